using ChatAgent.Core.Storage.Postgres;
using ChatAgent.Core.Threads;
using ChatAgent.Jobs.Tests.Support;
using ChatAgent.TestSupport;
using Npgsql;
using Xunit.Abstractions;

namespace ChatAgent.Jobs.Tests.Faults;

/// <summary>
/// The LISTEN connections (Hangfire's, how a worker hears of a new job at once, and the dispatcher's) are killed on the
/// server side (<c>pg_terminate_backend</c>): a listener comes back, and launched threads still start and complete.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class ListenConnectionTests(ITestOutputHelper output)
{
    /// <summary>Generous for a shared CI machine; a launch normally completes in about a second.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task ListenConnectionKilled_JobsStillStart_ALaunchCompletesWithinTheDeadline()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        using var data = new TempDirectory();
        await using var bot = await BotProcess.StartAsync(connectionString, data.Path);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var store = new PostgresEventStore(dataSource);
        await LaunchAndCompleteAsync(bot, store, "before");

        var listeners = await Poll.UntilAsync(() => ListenersAsync(dataSource, database), l => l.Count > 0, TimeSpan.FromSeconds(30), "a LISTEN backend");
        DateTime killedAt;
        await using (var kill = dataSource.CreateCommand("SELECT now() FROM (SELECT count(pg_terminate_backend(pid)) FROM unnest($1::int[]) AS pid) t"))
        {
            kill.Parameters.AddWithValue(listeners.Select(l => l.Pid).ToArray());
            killedAt = (DateTime)(await kill.ExecuteScalarAsync())!;
        }
        output.WriteLine($"terminated {listeners.Count} LISTEN backends: {string.Join("; ", listeners)}");

        // A launch right after the kill completes in time; the listener comes back; later launches complete in time too.
        await LaunchAndCompleteAsync(bot, store, "after-kill");
        var back = await Poll.UntilAsync(() => ListenersAsync(dataSource, database), l => l.Any(x => x.Started > killedAt), Deadline, "a new LISTEN backend");
        output.WriteLine($"LISTEN backends now: {string.Join("; ", back)}");
        for (var i = 0; i < 3; i++) await LaunchAndCompleteAsync(bot, store, $"after-{i}");
    }

    private static async Task LaunchAndCompleteAsync(BotProcess bot, PostgresEventStore store, string name)
    {
        var started = DateTime.UtcNow;
        var id = await ThreadsClient.TryLaunchAsync(bot.Client, $"{name} to staging", $"listen-{name}") ?? throw new InvalidOperationException($"launch {name} got no answer");
        await Poll.UntilAsync(async () => (await Threads.LoadAsync(store, id)).State.Status, s => s == ThreadStatus.Completed, Deadline,
            $"launch {name} completed within {Deadline.TotalSeconds} s\n{bot.RecentOutput}");
        Assert.True(DateTime.UtcNow - started < Deadline + TimeSpan.FromSeconds(1));
    }

    /// <summary>
    /// Backends of this database that listen: those whose last statement was a LISTEN (Hangfire's long-polling
    /// connections) and the dispatcher's, which carries the listener's mark (a shared advisory lock; its last statement
    /// is the count of the other listeners). Not any statement containing "LISTEN": an idle pooled connection's last
    /// statement is Npgsql's reset, which includes <c>UNLISTEN *</c>, and killing that one is a different fault (the next
    /// request to draw it answers 503).
    /// </summary>
    private static async Task<List<Backend>> ListenersAsync(NpgsqlDataSource dataSource, string database)
    {
        await using var query = dataSource.CreateCommand($"""
            SELECT pid, backend_start, query FROM pg_stat_activity a
            WHERE datname = $1 AND pid <> pg_backend_pid()
              AND (query LIKE 'LISTEN %' OR EXISTS (
                SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory' AND l.granted
                  AND l.classid = {PostgresWakeups.ListenerKey1} AND l.objid = {PostgresWakeups.ListenerKey2} AND l.objsubid = 2))
            """);
        query.Parameters.AddWithValue(database);
        var backends = new List<Backend>();
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync()) backends.Add(new Backend(reader.GetInt32(0), reader.GetDateTime(1), reader.GetString(2)));
        return backends;
    }

    private sealed record Backend(int Pid, DateTime Started, string Query);
}
