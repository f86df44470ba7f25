using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Threads;
using ChatAgent.Jobs.Tests.Support;
using ChatAgent.TestSupport;

namespace ChatAgent.Jobs.Tests;

/// <summary>RunThreadJob on a real PostgreSQL: one runner per thread across processes; retries end in thread_failed.</summary>
public sealed class RunThreadJobTests
{
    [Fact]
    public async Task TwoProcessesRacingOnTheSameThreads_RunEveryStepOnce()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        using var data = new TempDirectory();
        data.Write("script-delay-ms", "100"); // long enough that the two runs overlap
        await using var first = await JobsHarness.StartAsync(connectionString, data.Path);
        await using var second = await JobsHarness.StartAsync(connectionString, data.Path);
        var ids = new List<string>();
        for (var i = 0; i < 6; i++) ids.Add(await first.LaunchAsync($"race{i} to staging"));

        await Task.WhenAll(ids.SelectMany(id => new[]
        {
            first.Get<RunThreadJob>().RunAttemptAsync(id, 0, CancellationToken.None),
            second.Get<RunThreadJob>().RunAttemptAsync(id, 0, CancellationToken.None),
        }));

        var releases = ReleaseLine.Read(data.Path);
        foreach (var id in ids)
        {
            var (events, state) = await Threads.LoadAsync(first.Store, id);
            Assert.Equal(ThreadStatus.Completed, state.Status);
            Threads.AssertContiguous(events);
            Assert.Equal(["run_tests", "deploy_to_staging", "done"], Threads.ToolCalls(events).Select(c => c.Tool));
            Assert.All(Threads.ToolCalls(events), c => Assert.Equal(1, c.Attempt));
            Assert.Single(events, e => e.Data is ModelDecision d && d.Tool == "deploy_to_staging");
        }
        Assert.Equal(ids.Count * 2, releases.Count);
        Assert.All(releases.GroupBy(r => r.CallId), g => Assert.Single(g));
    }

    [Fact]
    public async Task AFailingAttempt_BeforeTheLastRetry_Throws_AndTheRetryFinishesTheThread()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        using var data = new TempDirectory();
        await using var harness = await JobsHarness.StartAsync(connectionString, data.Path);
        var id = await harness.LaunchAsync("api to staging");
        var job = harness.Get<RunThreadJob>();

        harness.Store.FailNextAppends = 1;
        await Assert.ThrowsAsync<TimeoutException>(() => job.RunAttemptAsync(id, 0, CancellationToken.None));
        var (_, afterFailure) = await Threads.LoadAsync(harness.Store, id);
        Assert.Equal(ThreadStatus.Running, afterFailure.Status); // nothing recorded: Hangfire retries the job

        await job.RunAttemptAsync(id, 1, CancellationToken.None);

        var (events, state) = await Threads.LoadAsync(harness.Store, id);
        Assert.Equal(ThreadStatus.Completed, state.Status);
        Assert.DoesNotContain(events, e => e.Data is ThreadFailed);
        Assert.Equal(2, ReleaseLine.Read(data.Path).Count);
    }

    [Fact]
    public async Task TheLastRetryFailing_RecordsThreadFailed_AndTellsTheChannel()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        using var data = new TempDirectory();
        await using var harness = await JobsHarness.StartAsync(connectionString, data.Path);
        var id = await harness.LaunchAsync("api to staging");
        var deliveriesBefore = harness.Scheduler.Deliveries.Count;

        harness.Store.FailNextAppends = 1;
        await harness.Get<RunThreadJob>().RunAttemptAsync(id, RunThreadJob.Retries, CancellationToken.None);

        var (events, state) = await Threads.LoadAsync(harness.Store, id);
        Assert.Equal(ThreadStatus.Failed, state.Status);
        var failed = Assert.Single(events.Select(e => e.Data).OfType<ThreadFailed>());
        Assert.Equal(FailureReasons.RetriesExhausted, failed.Reason);
        Assert.Contains("TimeoutException", failed.Detail);
        var final = Assert.Single(events.Select(e => e.Data).OfType<MessageQueued>(), m => m.MessageKey == MessageKeys.Final);
        Assert.StartsWith("Failed: Gave up after 7 attempts", final.Text);
        Assert.Equal(deliveriesBefore + 1, harness.Scheduler.Deliveries.Count); // the final message goes out
        Assert.Empty(ReleaseLine.Read(data.Path));
    }
}
