using System.Net.Http.Json;
using System.Text.Json;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.TestSupport;
using Hangfire;
using Npgsql;

namespace ChatAgent.Bot.Tests.Hosting;

/// <summary>
/// Two bot hosts in one process, each on its own PostgreSQL database, alive at the same time: each runs its own
/// threads to completion, neither enqueues into the other's Hangfire storage, and stopping one leaves the other's
/// connections alone and its own database with no connections at all.
/// </summary>
public sealed class TwoHostsTests
{
    [Fact]
    public async Task TwoHostsInOneProcess_EachRunsItsOwnThreads_AndStoppingOneLeavesTheOtherRunning()
    {
        // A starts last, so it is the host Hangfire's process-wide configuration saw last: its stop must not take
        // anything B relies on with it (it took the log provider, and B stopped performing jobs).
        // Every delivery a Hangfire job (Jobs:DeliveryWorkers 0), so each database's jobs show whose storage they went to.
        var jobsOnly = new Dictionary<string, string?> { ["Jobs:DeliveryWorkers"] = "0" };
        await using var b = await BotHost.StartAsync(jobsOnly, postgres: true);
        var a = await BotHost.StartAsync(jobsOnly, postgres: true);
        var aStopped = false;
        try
        {
            Assert.NotSame(a.Get<JobStorage>(), b.Get<JobStorage>());
            // Sizes come from options (the test hosts' small ones), not from the CPU or Npgsql's default.
            Assert.Equal(4, Assert.Single(b.Get<JobStorage>().GetMonitoringApi().Servers()).WorkersCount);
            Assert.Equal(12, new NpgsqlConnectionStringBuilder(b.Get<NpgsqlDataSource>().ConnectionString).MaxPoolSize);
            // Nothing set Hangfire's process-wide storage: a host that fell back on it would throw here first.
            Assert.Throws<InvalidOperationException>(() => JobStorage.Current);

            var launches = await Task.WhenAll(
                Enumerable.Range(0, 3).Select(i => LaunchAsync(a, $"a{i}")).Concat(Enumerable.Range(0, 3).Select(i => LaunchAsync(b, $"b{i}"))));
            string[] onA = launches[..3], onB = launches[3..];
            foreach (var id in onA) await a.WaitForStatusAsync(id, "completed");
            foreach (var id in onB) await b.WaitForStatusAsync(id, "completed");

            // Each database's Hangfire jobs are exactly its own threads' deliveries (runs start from wake-ups, not jobs;
            // a run's delivery is a wake-up too, made a job moments after the run ends).
            Assert.Equal(onA.Order(StringComparer.Ordinal),
                await Poll.UntilAsync(() => DeliveryJobThreadsAsync(a.ConnectionString!), t => t.Count >= onA.Length, what: "A's delivery jobs"));
            Assert.Equal(onB.Order(StringComparer.Ordinal),
                await Poll.UntilAsync(() => DeliveryJobThreadsAsync(b.ConnectionString!), t => t.Count >= onB.Length, what: "B's delivery jobs"));

            await a.DisposeAsync();
            aStopped = true;
            // The server drops a backend moments after its client's goodbye: poll briefly for it.
            await Poll.UntilAsync(() => BackendsAsync(b.ConnectionString!, a.ConnectionString!), n => n == 0, TimeSpan.FromSeconds(10), "A's database to have no connections");
            Assert.True(await BackendsAsync(b.ConnectionString!, b.ConnectionString!) > 0, "B's connections (its LISTEN at least) survive A's stop");
            var after = await LaunchAsync(b, "b-after");
            await b.WaitForStatusAsync(after, "completed");
        }
        finally
        {
            if (!aStopped) await a.DisposeAsync();
        }
    }

    /// <summary>Launches from the web chat, whose status lines its outbox delivers (an API launch has no chat to post to).</summary>
    private static async Task<string> LaunchAsync(BotHost host, string name)
    {
        var launch = await host.Client.PostAsJsonAsync("/webchat/commands", new { line = "deploy web to staging", user = "alice", session = name });
        launch.EnsureSuccessStatusCode();
        return (await launch.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("threadId").GetString()!;
    }

    /// <summary>The distinct thread ids of the DeliverMessagesJob jobs in a database's Hangfire schema, sorted.</summary>
    internal static async Task<List<string>> DeliveryJobThreadsAsync(string connectionString)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var query = db.CreateCommand("SELECT invocationdata, arguments FROM hangfire.job");
        await using var reader = await query.ExecuteReaderAsync();
        var threads = new List<string>();
        while (await reader.ReadAsync())
        {
            if (!reader.GetString(0).Contains("DeliverMessagesJob", StringComparison.Ordinal)) continue;
            threads.Add(JsonSerializer.Deserialize<string>(JsonSerializer.Deserialize<string[]>(reader.GetString(1))![0])!);
        }
        return [.. threads.Distinct().Order(StringComparer.Ordinal)];
    }

    /// <summary>Server connections to <paramref name="of"/>'s database, counted from another database's session.</summary>
    private static async Task<long> BackendsAsync(string via, string of)
    {
        await using var db = NpgsqlDataSource.Create(via);
        await using var query = db.CreateCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()");
        query.Parameters.AddWithValue(new NpgsqlConnectionStringBuilder(of).Database!);
        return (long)(await query.ExecuteScalarAsync())!;
    }
}
