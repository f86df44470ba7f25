using System.Collections.Concurrent;
using ChatAgent.Core.Events;
using ChatAgent.Core.Storage.Postgres;
using ChatAgent.Core.Threads;
using ChatAgent.Jobs.Tests.Support;
using ChatAgent.TestSupport;
using Npgsql;
using Xunit.Abstractions;

namespace ChatAgent.Jobs.Tests.Crashes;

/// <summary>A bot process killed with SIGKILL in the middle of steps, again and again, loses nothing and repeats no unsafe effect.</summary>
[Collection(ProcessTests.Name)]
public sealed class CrashSafetyTests(ITestOutputHelper output)
{
    private const int ThreadCount = 40;
    private const int Kills = 6;

    [Fact]
    public async Task KilledRepeatedly_EveryThreadEndsCompletedOrEscalated_NoEventLost_NoDeployRunTwice()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        using var data = new TempDirectory();
        // Each release takes ~600 ms (half before its log line, half after), so kills land inside tool runs.
        data.Write("script-delay-ms", "600");
        await using var bot = await BotProcess.StartAsync(connectionString, data.Path, new Dictionary<string, string>
        {
            ["Jobs__Sweeper__Interval"] = "00:00:01",
            ["Jobs__Sweeper__StaleAfter"] = "00:00:03",
        });
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var store = new PostgresEventStore(dataSource);
        var random = new Random(20261125);

        var acknowledged = new ConcurrentDictionary<int, string>(); // launch index -> thread id, for every 202/200 received
        var decided = new ConcurrentDictionary<string, string>(); // approval id -> thread id, for every 200 received
        var perRound = ThreadCount / (Kills + 1);
        for (var round = 0; round <= Kills; round++)
        {
            // Launches arrive while the process is about to die; those without an answer are retried after the restart
            // under the same idempotency key, as a client would.
            var batch = Enumerable.Range(round * perRound, round == Kills ? ThreadCount - round * perRound : perRound).ToList();
            var launches = Task.WhenAll(batch.Select(i => LaunchAsync(bot, i, acknowledged)));
            if (round == Kills)
            {
                await launches;
                break;
            }
            var until = DateTime.UtcNow + TimeSpan.FromMilliseconds(random.Next(100, 1500));
            while (DateTime.UtcNow < until) await ApprovePendingAsync(bot, store, decided);
            bot.Kill();
            await launches;
            output.WriteLine($"kill {round + 1}: {acknowledged.Count} launches acknowledged, {ReleaseLine.Read(data.Path).Count} executions logged");
            await bot.RestartAsync();
            foreach (var i in Enumerable.Range(0, (round + 1) * perRound).Where(i => !acknowledged.ContainsKey(i)))
            {
                await LaunchAsync(bot, i, acknowledged);
                Assert.True(acknowledged.ContainsKey(i), $"launch {i} got no answer from a live bot");
            }
        }

        await Poll.UntilAsync(async () =>
        {
            await ApprovePendingAsync(bot, store, decided);
            var all = await Threads.ListAsync(store);
            return all.Count(t => t.Status == "completed" || (t.Status == "paused" && t.PendingApprovals == 0));
        }, n => n == ThreadCount, TimeSpan.FromMinutes(5), $"every thread completed or escalated\n{bot.RecentOutput}");

        var all = await Threads.ListAsync(store);
        Assert.Equal(ThreadCount, all.Count); // a retried launch never made a second thread
        Assert.Equal(acknowledged.Values.Order(), all.Select(t => t.Id).Order());
        var releases = ReleaseLine.Read(data.Path);
        var escalated = 0;
        foreach (var id in acknowledged.Values)
        {
            var (events, state) = await Threads.LoadAsync(store, id);
            Threads.AssertContiguous(events);
            if (state.Status == ThreadStatus.Paused)
            {
                escalated++;
                Assert.True(state.Escalated);
                Assert.Equal(PauseReasons.OutcomeUnknown, state.PausedReason);
            }
            else
            {
                Assert.Equal(ThreadStatus.Completed, state.Status);
            }
            // Every acknowledged approval is in its thread.
            foreach (var (approvalId, _) in decided.Where(d => d.Value == id))
                Assert.Contains(events, e => e.Data is ApprovalDecided d && d.ApprovalId == approvalId);
            // A deploy is never called twice; only the idempotent run_tests may be re-run after a crash.
            foreach (var call in Threads.ToolCalls(events).Where(c => c.Tool != "run_tests"))
                Assert.Equal(1, call.Attempt);
        }
        // Each deploy ran at most once per tool call id, whatever the crashes.
        Assert.All(releases.Where(r => r.Tool != "run_tests").GroupBy(r => r.CallId), g => Assert.Single(g));
        output.WriteLine($"{Kills} kills; {ThreadCount - escalated} completed, {escalated} escalated (outcome unknown); {releases.Count} executions");
    }

    private static async Task ApprovePendingAsync(BotProcess bot, PostgresEventStore store, ConcurrentDictionary<string, string> decided)
    {
        foreach (var waiting in await Threads.ListAsync(store, "awaiting_human"))
        {
            var (_, state) = await Threads.LoadAsync(store, waiting.Id);
            foreach (var approval in state.PendingApprovals.Where(p => !decided.ContainsKey(p.Id)))
            {
                if (await ThreadsClient.TryApproveAsync(bot.Client, waiting.Id, approval.Id)) decided[approval.Id] = waiting.Id;
            }
        }
        await Task.Delay(20); // paces the polling loop; not a synchronisation point
    }

    private static async Task LaunchAsync(BotProcess bot, int i, ConcurrentDictionary<int, string> acknowledged)
    {
        var input = $"svc{i} to {(i % 4 == 0 ? "production" : "staging")}";
        if (await ThreadsClient.TryLaunchAsync(bot.Client, input, $"crash-{i}") is { } id) acknowledged[i] = id;
    }
}
