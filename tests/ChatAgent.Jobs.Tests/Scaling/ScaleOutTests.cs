using System.Collections.Concurrent;
using ChatAgent.Core.Events;
using ChatAgent.Core.Storage.Postgres;
using ChatAgent.Core.Threads;
using ChatAgent.Jobs.Tests.Support;
using ChatAgent.TestSupport;
using Npgsql;

namespace ChatAgent.Jobs.Tests.Scaling;

/// <summary>Two real bot processes on one PostgreSQL share the work without doing any of it twice.</summary>
[Collection(ProcessTests.Name)]
public sealed class ScaleOutTests
{
    private const int ThreadCount = 200;

    [Fact]
    public async Task TwoProcesses_CompleteTwoHundredThreads_RunningEveryStepOnce_LosingNothing()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        using var data = new TempDirectory();
        var started = await Task.WhenAll(BotProcess.StartAsync(connectionString, data.Path), BotProcess.StartAsync(connectionString, data.Path));
        await using var a = started[0];
        await using var b = started[1];
        BotProcess[] bots = [a, b];
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var store = new PostgresEventStore(dataSource);

        // Every tenth thread goes to production and needs an approval; the rest stop at staging.
        var launchedOn = new ConcurrentDictionary<string, int>();
        var production = new ConcurrentDictionary<string, bool>();
        await Parallel.ForEachAsync(Enumerable.Range(0, ThreadCount), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            var toProduction = i % 10 == 0;
            var id = await ThreadsClient.TryLaunchAsync(bots[i % 2].Client, $"svc{i} to {(toProduction ? "production" : "staging")}", $"scale-{i}")
                ?? throw new InvalidOperationException($"Launch {i} got no answer");
            launchedOn[id] = i % 2;
            production[id] = toProduction;
        });

        // Each approval is clicked on the process that did NOT launch the thread.
        var approved = new HashSet<string>();
        await Poll.UntilAsync(async () =>
        {
            foreach (var waiting in await Threads.ListAsync(store, "awaiting_human"))
            {
                var (_, state) = await Threads.LoadAsync(store, waiting.Id);
                foreach (var approval in state.PendingApprovals.Where(p => approved.Add(p.Id)))
                    Assert.True(await ThreadsClient.TryApproveAsync(bots[1 - launchedOn[waiting.Id]].Client, waiting.Id, approval.Id));
            }
            return (await Threads.ListAsync(store, "completed")).Count;
        }, n => n == ThreadCount, TimeSpan.FromMinutes(5), $"{ThreadCount} completed threads\nA:\n{a.RecentOutput}\nB:\n{b.RecentOutput}");

        Assert.Equal(ThreadCount, (await Threads.ListAsync(store)).Count);
        Assert.Equal(ThreadCount / 10, approved.Count);
        var releases = ReleaseLine.Read(data.Path);
        var expectedCalls = new List<string>();
        foreach (var (id, toProduction) in production)
        {
            var (events, state) = await Threads.LoadAsync(store, id);
            Threads.AssertContiguous(events);
            Assert.Equal(ThreadStatus.Completed, state.Status);
            var calls = Threads.ToolCalls(events).ToList();
            string[] expected = toProduction
                ? ["run_tests", "deploy_to_staging", "deploy_to_production", "done"]
                : ["run_tests", "deploy_to_staging", "done"];
            Assert.Equal(expected, calls.Select(c => c.Tool));
            Assert.All(calls, c => Assert.Equal(1, c.Attempt)); // no crash here: no step is ever re-run
            Assert.Single(events, e => e.Data is ThreadCompleted);
            expectedCalls.AddRange(calls.Where(c => c.Tool != "done").Select(c => c.ToolCallId));
        }

        // The scripts ran exactly once per tool call, across both processes.
        Assert.Equal(expectedCalls.Order(StringComparer.Ordinal), releases.Select(r => r.CallId).Order(StringComparer.Ordinal));
        Assert.Equal(ThreadCount * 2 + ThreadCount / 10, releases.Count);
    }
}
