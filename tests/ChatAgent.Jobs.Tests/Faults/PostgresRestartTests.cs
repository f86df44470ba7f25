using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using ChatAgent.Core.Storage.Postgres;
using ChatAgent.Core.Threads;
using ChatAgent.Jobs.Tests.Support;
using ChatAgent.TestSupport;
using Npgsql;
using Xunit.Abstractions;

namespace ChatAgent.Jobs.Tests.Faults;

/// <summary>
/// PostgreSQL restarted (<c>pg_ctl restart -m fast</c>: every connection closed) while launches keep arriving over HTTP:
/// nothing acknowledged is lost, every acknowledged thread completes, and the same bot process serves launches again.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class PostgresRestartTests(ITestOutputHelper output)
{
    private const int Senders = 2;
    private const int AcknowledgedBefore = 10;
    private const int AcknowledgedAfter = 10;

    [Fact]
    public async Task PostgresRestartedUnderLoad_EveryAcknowledgedLaunchIsStoredAndCompletes_AndTheBotRecoversWithoutARestart()
    {
        await using var cluster = await PostgresServer.StartClusterAsync();
        var connectionString = await CreateDatabaseAsync(cluster.ConnectionString);
        using var data = new TempDirectory();
        await using var bot = await BotProcess.StartAsync(connectionString, data.Path, new Dictionary<string, string>
        {
            // Runs whose job was lost with the connection are found again quickly.
            ["Jobs__Sweeper__Interval"] = "00:00:01",
            ["Jobs__Sweeper__StaleAfter"] = "00:00:03",
        });

        var outcomes = new ConcurrentDictionary<int, Outcome>();
        var restartedAt = DateTime.MaxValue;
        using var stop = new CancellationTokenSource();
        var next = -1;
        var senders = Enumerable.Range(0, Senders).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var i = Interlocked.Increment(ref next);
                var sentAt = DateTime.UtcNow;
                outcomes[i] = await LaunchAsync(bot.Client, i) with { SentAt = sentAt };
                await Task.Delay(100); // paces the load (about 10 launches a second in all); not a synchronisation point
            }
        })).ToList();

        await Poll.UntilAsync(() => Task.FromResult(outcomes.Values.Count(o => o.ThreadId is not null)), n => n >= AcknowledgedBefore,
            TimeSpan.FromSeconds(60), "launches acknowledged before the restart");
        await cluster.RestartAsync();
        restartedAt = DateTime.UtcNow;
        // The same process, without a restart of its own, acknowledges launches sent after PostgreSQL is back.
        await Poll.UntilAsync(() => Task.FromResult(outcomes.Values.Count(o => o.ThreadId is not null && o.SentAt > restartedAt)), n => n >= AcknowledgedAfter,
            TimeSpan.FromSeconds(60), $"launches acknowledged after the restart\n{bot.RecentOutput}");
        await stop.CancelAsync();
        await Task.WhenAll(senders);

        var acknowledged = outcomes.Values.Where(o => o.ThreadId is not null).Select(o => o.ThreadId!).ToList();
        var refused = outcomes.Values.Where(o => o.ThreadId is null).ToList();
        output.WriteLine($"{outcomes.Count} launches: {acknowledged.Count} acknowledged, refused: " +
                         string.Join(", ", refused.GroupBy(o => o.Status).Select(g => $"{g.Key} x{g.Count()}")));
        // A refusal during the outage says "try again" (503), never an internal error.
        Assert.True(refused.All(o => o.Status == "503"), $"refusals other than 503:\n{bot.RecentOutput}");

        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var store = new PostgresEventStore(dataSource);
        try
        {
            await Poll.UntilAsync(async () => (await Threads.ListAsync(store, "completed")).Select(t => t.Id).ToHashSet(), done => acknowledged.All(done.Contains),
                TimeSpan.FromSeconds(90), "every acknowledged launch completed");
        }
        catch (TimeoutException)
        {
            foreach (var t in (await Threads.ListAsync(store)).Where(t => t.Status != "completed"))
            {
                var (events, _) = await Threads.LoadAsync(store, t.Id);
                output.WriteLine($"{t.Id} {t.Status} acknowledged={acknowledged.Contains(t.Id)}: {string.Join(", ", events.Select(e => $"{e.Seq}:{e.Data.GetType().Name}@{e.At:HH:mm:ss.fff}"))}");
            }
            output.WriteLine(bot.RecentOutput);
            throw;
        }
        var releases = ReleaseLine.Read(data.Path);
        foreach (var id in acknowledged)
        {
            var (events, state) = await Threads.LoadAsync(store, id);
            Threads.AssertContiguous(events);
            Assert.Equal(ThreadStatus.Completed, state.Status);
            Assert.Equal(["run_tests", "deploy_to_staging", "done"], Threads.ToolCalls(events).Select(c => c.Tool).Distinct());
        }
        // A deploy never ran twice for one tool call, whatever the restart interrupted.
        Assert.All(releases.Where(r => r.Tool != "run_tests").GroupBy(r => r.CallId), g => Assert.Single(g));
    }

    private static async Task<string> CreateDatabaseAsync(string admin)
    {
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand("CREATE DATABASE chatagent", connection);
        await create.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(admin) { Database = "chatagent" }.ConnectionString;
    }

    /// <summary>What one launch got: a thread id (2xx), else the status code or "no answer".</summary>
    private sealed record Outcome(string? ThreadId, string Status, DateTime SentAt = default);

    private static async Task<Outcome> LaunchAsync(HttpClient client, int i)
    {
        try
        {
            using var response = await client.PostAsJsonAsync("/api/threads", new { agent = "deploy", input = $"svc{i} to staging", user = "web:alice", idempotencyKey = $"restart-{i}" });
            if (!response.IsSuccessStatusCode) return new Outcome(null, ((int)response.StatusCode).ToString());
            var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
            return new Outcome(id, ((int)response.StatusCode).ToString());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return new Outcome(null, "no answer");
        }
    }
}
