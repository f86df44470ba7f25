using ChatAgent.Core.Storage;
using ChatAgent.Core.Threads;
using ChatAgent.Jobs.Tests.Support;
using ChatAgent.TestSupport;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;

namespace ChatAgent.Jobs.Tests.Crashes;

/// <summary>
/// A launch is acknowledged once its events and its run's wake-up are committed; the run is handed on afterwards.
/// Here the process dies exactly between the two (its dispatcher throws after claiming the wake-up, before starting
/// the run, and the process goes away): the claim rolls back, and the next dispatcher on the database (another
/// process, or this one restarted) runs the thread to its end, once. No sweeper exists in either process, so the
/// wake-up is the only thing that can have brought the run back.
/// </summary>
public sealed class DispatchCrashTests
{
    [Fact]
    public async Task ACrashBetweenTheLaunchCommitAndItsHandOn_DelaysTheRun_AndNeverLosesIt()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        using var data = new TempDirectory();
        var a = await StartAsync(connectionString, data.Path);
        string id;
        try
        {
            id = await a.LaunchAsync("api to staging");
            var dying = a.Get<ThreadDispatcher>();
            var claimed = new List<string>();
            dying.BeforeHandOn = (kind, threads) =>
            {
                claimed.AddRange(threads.Select(w => w.ThreadId));
                throw new ProcessDied();
            };
            await Assert.ThrowsAsync<ProcessDied>(() => dying.DispatchAsync(CancellationToken.None));
            Assert.Equal([id], claimed);
            // Acknowledged and durable, yet not run: no step has started.
            var (events, state) = await Threads.LoadAsync(a.Store, id);
            Assert.Equal(ThreadStatus.Running, state.Status);
            Assert.Empty(Threads.ToolCalls(events));
            Assert.Equal(1, await a.Get<IWakeupQueue>().CountAsync(WakeupKind.Run));
        }
        finally
        {
            await a.DisposeAsync();
        }

        await using var b = await StartAsync(connectionString, data.Path);
        var dispatcher = b.Get<ThreadDispatcher>();
        await dispatcher.StartAsync(CancellationToken.None);
        try
        {
            var done = await Poll.UntilAsync(async () => (await Threads.LoadAsync(b.Store, id)).State.Status, s => s == ThreadStatus.Completed, what: "the thread to complete on B");
            Assert.Equal(ThreadStatus.Completed, done);
            // The run ends after its last append (it unlocks and looks for anything newer): a stop before that would
            // cut it short, and a run cut short by a stopping host rightly leaves a wake-up for the next process.
            await Poll.UntilAsync(() => Task.FromResult(b.Get<LocalRuns>().Active), n => n == 0, what: "B's run to end");
        }
        finally
        {
            await dispatcher.StopAsync(CancellationToken.None);
        }
        var (after, _) = await Threads.LoadAsync(b.Store, id);
        Threads.AssertContiguous(after);
        var calls = Threads.ToolCalls(after).ToList();
        Assert.Equal(["run_tests", "deploy_to_staging", "done"], calls.Select(c => c.Tool));
        // Each script ran once: one release-log line per shell tool call.
        Assert.Equal(calls.Where(c => c.Tool != "done").Select(c => c.ToolCallId), ReleaseLine.Read(data.Path).Select(r => r.CallId));
        Assert.Equal(0, await b.Get<IWakeupQueue>().CountAsync(WakeupKind.Run));
    }

    /// <summary>
    /// A process's jobs on the database: the dispatcher and its run workers; deliveries are Hangfire jobs
    /// (<c>Jobs:DeliveryWorkers</c> 0) in a storage of its own that no server reads.
    /// </summary>
    private static Task<JobsHarness> StartAsync(string connectionString, string dataDir) =>
        JobsHarness.StartAsync(connectionString, dataDir, services =>
        {
            services.AddOptions<JobsOptions>().Configure(o => o.DeliveryWorkers = 0);
            services.AddSingleton<IBackgroundJobClient>(new BackgroundJobClient(new Hangfire.InMemory.InMemoryStorage()));
            services.AddSingleton<HangfireThreadScheduler>();
            services.AddSingleton<WorkScheduler>();
            services.AddSingleton<LocalRuns>();
            services.AddSingleton<LocalDeliveries>();
            services.AddSingleton<ThreadDispatcher>();
        });

    private sealed class ProcessDied : Exception;
}
