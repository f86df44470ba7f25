using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Threads;
using ChatAgent.Jobs.Tests.Support;
using ChatAgent.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ChatAgent.Jobs.Tests;

/// <summary>
/// The lost wake-up: a person approves while the run that asked is still finishing (appending its last events,
/// releasing the thread lock, re-reading the thread). The approval's own run finds the lock taken and leaves the
/// thread to the holder; if the holder had already decided there was nothing left to do, nobody runs the approved
/// step until the sweeper comes by. Here the approval is clicked at every point of the holder's run after the
/// approval request is stored (before and after each read, append, lock acquire and lock release), with the
/// holder either stopped at that point until the approval's run has tried the lock, or racing it. The timing is
/// injected through seams around the thread lock and the event store, never by sleeping; the sweeper never runs.
/// </summary>
public sealed class LostWakeUpTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task AnApprovalAtAnyPointOfTheRunsHoldReleaseAndRecheck_IsRunByTheJobsAlreadyThere()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        using var data = new TempDirectory();
        var seam = new RunSeam();
        await using var harness = await JobsHarness.StartAsync(connectionString, data.Path, services =>
        {
            services.AddSingleton<IEventStore>(sp => new SeamedEventStore(sp.GetRequiredService<FlakyEventStore>(), seam));
            services.AddSingleton<IThreadLock>(sp => new SeamedThreadLock(new PostgresThreadLock(sp.GetRequiredService<NpgsqlDataSource>()), seam));
        });

        // A dry run counts the points of the holder's run at which the approval is pending (no click).
        var dry = await harness.LaunchAsync("api to production");
        var points = new List<string>();
        seam.OnPoint = async label =>
        {
            if (await PendingApprovalAsync(harness, dry) is not null) points.Add(label);
        };
        await seam.RunAsHolderAsync(() => harness.Get<RunThreadJob>().RunAttemptAsync(dry, 0, CancellationToken.None));
        Assert.Equal(ThreadStatus.AwaitingHuman, (await Threads.LoadAsync(harness.Store, dry)).State.Status);
        // The hold (its last appends) and the release are among them (and the re-check's read, after the release).
        Assert.Contains("after append", points);
        Assert.Contains("before release", points);
        Assert.Contains("after release", points);

        output.WriteLine($"{points.Count} points: {string.Join(", ", points)}");
        var failures = new List<string>();
        for (var point = 0; point < points.Count; point++)
        {
            foreach (var approvalRunFirst in new[] { true, false })
            {
                var outcome = await ClickAtAsync(harness, seam, point, approvalRunFirst);
                if (outcome is not null) failures.Add($"approved at point {point} ({points[point]}), approval's run first: {approvalRunFirst}: {outcome}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>Null when the approved step ran (the thread completed, the production deploy ran once); else what happened.</summary>
    private static async Task<string?> ClickAtAsync(JobsHarness harness, RunSeam seam, int point, bool approvalRunFirst)
    {
        var id = await harness.LaunchAsync("api to production");
        var job = harness.Get<RunThreadJob>();
        var seen = 0;
        Task? approvalRun = null;
        seam.OnPoint = async label =>
        {
            if (approvalRun is not null || await PendingApprovalAsync(harness, id) is not { } approvalId || seen++ != point) return;
            var attempted = seam.NextOtherAttempt();
            approvalRun = Task.Run(async () =>
            {
                seam.LeaveHolder();
                var scheduled = harness.Scheduler.Runs.Count;
                var decided = await harness.Get<ThreadService>().DecideApprovalAsync(id, approvalId, approve: true, Actor.User("web:bob"), null);
                Assert.True(decided.Accepted, decided.Message);
                // The click scheduled a run; Hangfire would start it at once: so does the test.
                Assert.True(harness.Scheduler.Runs.Count > scheduled, "the approval scheduled no run");
                await job.RunAttemptAsync(id, 0, CancellationToken.None);
            });
            // Hold the holder at this point until the approval's run has tried the lock once.
            if (approvalRunFirst) await Task.WhenAny(attempted, approvalRun);
        };
        await seam.RunAsHolderAsync(() => job.RunAttemptAsync(id, 0, CancellationToken.None));
        seam.OnPoint = null;
        if (approvalRun is null) return "the point was never reached";
        await approvalRun;

        var (_, state) = await Threads.LoadAsync(harness.Store, id);
        var productionDeploys = state.Results.Count(r => r.Tool == "deploy_to_production");
        return state.Status == ThreadStatus.Completed && productionDeploys == 1
            ? null
            : $"the thread is {state.Status} with {productionDeploys} production deploys after both runs ended: only the sweeper would move it";
    }

    private static async Task<string?> PendingApprovalAsync(JobsHarness harness, string id)
    {
        var (_, state) = await Threads.LoadAsync(harness.Store, id);
        return state.PendingApprovals.IsEmpty ? null : state.PendingApprovals[0].Id;
    }
}

/// <summary>
/// The seam: the store and lock wrappers call <see cref="OnPoint"/> before and after every operation of the holder's
/// run (the code run by <see cref="RunAsHolderAsync"/>), and report the other runs' lock attempts.
/// </summary>
public sealed class RunSeam
{
    private readonly AsyncLocal<bool> _inHolder = new();
    private TaskCompletionSource _otherAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Func<string, Task>? OnPoint { get; set; }

    public async Task RunAsHolderAsync(Func<Task> run)
    {
        await Task.Run(async () =>
        {
            _inHolder.Value = true;
            await run();
        });
    }

    /// <summary>Called at the start of work forked from the holder's flow that is not the holder's.</summary>
    public void LeaveHolder() => _inHolder.Value = false;

    /// <summary>Completes when a run other than the holder next returns from a lock attempt.</summary>
    public Task NextOtherAttempt()
    {
        _otherAttempt = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _otherAttempt.Task;
    }

    public async Task AtAsync(string label)
    {
        if (_inHolder.Value && OnPoint is { } onPoint) await onPoint(label);
    }

    public void LockAttempted()
    {
        if (!_inHolder.Value) _otherAttempt.TrySetResult();
    }
}

internal sealed class SeamedEventStore(IEventStore inner, RunSeam seam) : IEventStore
{
    public async Task<IReadOnlyList<StoredEvent>> ReadAsync(string threadId, long afterSeq = 0, CancellationToken cancellationToken = default)
    {
        await seam.AtAsync("before read");
        var events = await inner.ReadAsync(threadId, afterSeq, cancellationToken);
        await seam.AtAsync("after read");
        return events;
    }

    public async Task<IReadOnlyList<StoredEvent>> AppendAsync(string threadId, long expectedVersion, IReadOnlyList<NewEvent> events, ThreadSummary summary, string? deliveryKey = null, IReadOnlyList<ThreadWakeup>? wakeups = null, CancellationToken cancellationToken = default)
    {
        await seam.AtAsync("before append");
        var stored = await inner.AppendAsync(threadId, expectedVersion, events, summary, deliveryKey, wakeups, cancellationToken);
        await seam.AtAsync("after append");
        return stored;
    }

    public Task<IReadOnlyList<ThreadSummary>> ListAsync(ThreadQuery query, CancellationToken cancellationToken = default) => inner.ListAsync(query, cancellationToken);
}

internal sealed class SeamedThreadLock(IThreadLock inner, RunSeam seam) : IThreadLock
{
    public async Task<IAsyncDisposable?> TryAcquireAsync(string threadId, CancellationToken cancellationToken)
    {
        await seam.AtAsync("before acquire");
        var handle = await inner.TryAcquireAsync(threadId, cancellationToken);
        seam.LockAttempted();
        await seam.AtAsync(handle is null ? "after a refused acquire" : "after acquire");
        return handle is null ? null : new Handle(handle, seam);
    }

    private sealed class Handle(IAsyncDisposable inner, RunSeam seam) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await seam.AtAsync("before release");
            await inner.DisposeAsync();
            await seam.AtAsync("after release");
        }
    }
}
