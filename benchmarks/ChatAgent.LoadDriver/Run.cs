using ChatAgent.Core.Storage.Postgres;
using ChatAgent.TestSupport;
using Npgsql;

namespace ChatAgent.LoadDriver;

/// <summary>One run of the driver: the databases, the fake Slack, the bot processes and the sections.</summary>
public sealed partial class Run(Options options, Report report, string dataDir) : IAsyncDisposable
{
    public const string SigningSecret = "load-driver-signing-secret";

    private readonly List<IAsyncDisposable> _owned = [];
    private string _botDb = "";
    private FakeSlack? _slack;
    private BotProcess? _bot;
    private double? _bareCommitsPerSecond;
    private string _agents = "";

    /// <summary>Creates the databases and reports the server's version and durability settings.</summary>
    public async Task<Dictionary<string, object?>> PrepareAsync()
    {
        _agents = LoadAgent.Prepare(dataDir);
        _botDb = await PostgresServer.CreateDatabaseAsync();
        _slack = await FakeSlack.StartAsync();
        _owned.Add(_slack);
        await using var connection = new NpgsqlConnection(_botDb);
        await connection.OpenAsync();
        async Task<string> Show(string setting)
        {
            await using var command = new NpgsqlCommand($"SHOW {setting}", connection);
            return (string)(await command.ExecuteScalarAsync())!;
        }
        return new()
        {
            ["postgres"] = await Show("server_version"),
            ["fsync"] = await Show("fsync"),
            ["synchronous_commit"] = await Show("synchronous_commit"),
            ["wal_sync_method"] = await Show("wal_sync_method"),
        };
    }

    /// <summary>The bot's environment: Slack's HTTP routes on (signed with <see cref="SigningSecret"/>), Slack's Web API faked locally.</summary>
    private Dictionary<string, string> BotSettings()
    {
        var settings = BaseSettings();
        // LOADDRIVER_BOT_X=v sets X=v for the bot processes (experiments, e.g. runtime knobs).
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
            if (e.Key is string k && k.StartsWith("LOADDRIVER_BOT_", StringComparison.Ordinal)) settings[k["LOADDRIVER_BOT_".Length..]] = (string)e.Value!;
        return settings;
    }

    /// <summary>A bot process as operators run it (Production), with the driver's settings and its wide HTTP client.</summary>
    private Task<BotProcess> StartBotAsync(string connectionString, string dataDir) =>
        BotProcess.StartAsync(connectionString, dataDir, BotSettings(), Http.Client);

    private Dictionary<string, string> BaseSettings() => new()
    {
        ["DOTNET_ENVIRONMENT"] = "Production",
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["Agents__Path"] = _agents,
        ["Slack__SigningSecret"] = SigningSecret,
        ["Slack__BotToken"] = "xoxb-load-driver",
        ["Slack__ApiBaseUrl"] = _slack!.ApiBaseUrl.ToString(),
        // The fake enforces no rate limit; Slack's own one-message-a-second pacing per channel is not what is measured.
        ["Slack__MessageInterval"] = "00:00:00",
        // Slack makes the bot exposed, where the approver groups a policy names must have members; web:bob clicks.
        ["Approvals__Groups__deployers__0"] = "web:bob",
        ["Approvals__Groups__sre-leads__0"] = "web:sam",
    };

    /// <summary>The main bot process on the run's database, started on first use.</summary>
    private async Task<BotProcess> BotAsync()
    {
        if (_bot is not null) return _bot;
        _bot = await StartBotAsync(_botDb, dataDir);
        _owned.Add(_bot);
        return _bot;
    }

    private PostgresEventStore Store(string connectionString)
    {
        // The store's own pool, as the host builds it (no reset on return).
        var source = StoreDataSource.Create(connectionString);
        _owned.Add(source);
        return new PostgresEventStore(source);
    }

    private static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Polls <paramref name="read"/> until <paramref name="done"/>; throws after <paramref name="within"/>.</summary>
    private static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan within, string what)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var value = await read();
            if (done(value)) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Waited {within.TotalSeconds:F0} s for {what}; last: {value}");
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Waits (at most <paramref name="within"/>) until no thread of the bot's database is running and Hangfire's queue
    /// is empty, so the next measurement starts from a quiet bot; returns what was left (queued jobs and wake-ups + running threads).
    /// </summary>
    private async Task<long> DrainAsync(string connectionString, TimeSpan within)
    {
        const string Sql = "SELECT (SELECT count(*) FROM hangfire.jobqueue) + (SELECT count(*) FROM wakeups) + (SELECT count(*) FROM threads WHERE status = 'running')";
        try
        {
            return await PollAsync(() => ScalarAsync(connectionString, Sql), n => n == 0, within, "the bot's backlog to drain");
        }
        catch (TimeoutException)
        {
            var left = await ScalarAsync(connectionString, Sql);
            Console.WriteLine($"  (backlog not drained after {within.TotalSeconds:F0} s: {left} queued jobs and wake-ups + running threads; going on)");
            return left;
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--) await _owned[i].DisposeAsync();
        NpgsqlConnection.ClearAllPools();
    }
}
