using ChatAgent.Core.Chat;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Threads;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatAgent.Jobs;

/// <summary>
/// Finds running threads that nobody runs and schedules their run again. A launch, decision or resume is committed
/// before its job is enqueued; a crash between the two would otherwise strand the thread. Every process sweeps
/// (one indexed query per interval); a duplicate run is harmless because a run takes the thread's lock first, and
/// a thread whose step is merely slow is found by the sweep but its new run stops at the lock.
/// The same goes for outboxes: a thread (in any status) with messages not yet posted to its platform is delivered by
/// the sweep itself, once per sweep and without retries of its own, so a long chat outage costs one attempt per
/// thread per interval rather than a pile of retrying jobs.
/// While runs are waiting (wake-ups not yet claimed, or jobs in the threads queue), a "running" thread that has not moved may simply be one of them:
/// the sweep then schedules no runs (it would only multiply a backlog: at 1,000 queued threads, five jobs per thread)
/// and picks up truly stranded threads once the queue has drained.
/// </summary>
public sealed class ThreadSweeper(
    IEventStore store,
    IThreadScheduler scheduler,
    IEnumerable<IChatSurface> surfaces,
    DeliverMessagesJob delivery,
    IOptions<ThreadSweeperOptions> options,
    TimeProvider time,
    ILogger<ThreadSweeper> log,
    IRunQueue? runQueue = null) : BackgroundService
{
    private readonly string[] _platforms = [.. surfaces.Select(s => s.Platform).Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>One sweep; returns how many threads got a run scheduled or a delivery attempted.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var cutoff = time.GetUtcNow() - o.StaleAfter;
        var waiting = runQueue is null ? 0 : await runQueue.WaitingRunsAsync(cancellationToken);
        IReadOnlyList<ThreadSummary> stale = [];
        if (waiting > 0)
            log.LogDebug("{Waiting} runs are waiting in the queue; not re-scheduling runs this sweep", waiting);
        else
            stale = await store.ListAsync(new ThreadQuery(
                Status: ThreadStatus.Running.WireName(), Limit: o.BatchSize, UpdatedBefore: cutoff), cancellationToken);
        foreach (var thread in stale)
        {
            log.LogInformation("Thread {ThreadId} is running but has not moved since {UpdatedAt}; scheduling its run", thread.Id, thread.UpdatedAt);
            await scheduler.ScheduleRunAsync(thread.Id, cancellationToken);
        }
        var count = stale.Count;
        // Messages for platforms this process cannot post to (the API's, a webhook's) are never "undelivered" here.
        foreach (var platform in _platforms)
        {
            var undelivered = await store.ListAsync(new ThreadQuery(
                Limit: o.BatchSize, UpdatedBefore: cutoff, Platform: platform, UndeliveredOnly: true), cancellationToken);
            foreach (var thread in undelivered)
            {
                log.LogInformation("Thread {ThreadId} has {Count} undelivered messages to {Platform}; delivering", thread.Id, thread.UndeliveredMessages, platform);
                try
                {
                    await delivery.RunAsync(thread.Id, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    log.LogWarning(ex, "Delivering thread {ThreadId}'s messages to {Platform} failed; the next sweep tries again", thread.Id, platform);
                }
            }
            count += undelivered.Count;
        }
        return count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The database may be away; the next tick tries again.
                log.LogWarning(ex, "Sweeping for stranded threads failed");
            }
        }
    }
}

/// <summary>How many thread runs are asked for and not yet picked up by a worker (any process).</summary>
public interface IRunQueue
{
    Task<long> WaitingRunsAsync(CancellationToken cancellationToken);
}

/// <summary>Run wake-ups not yet claimed plus the threads queue's length in Hangfire's storage (retries of failed runs).</summary>
public sealed class HangfireRunQueue(Hangfire.JobStorage storage, IWakeupQueue? wakeups = null) : IRunQueue
{
    public async Task<long> WaitingRunsAsync(CancellationToken cancellationToken)
    {
        var woken = wakeups is null ? 0 : await wakeups.CountAsync(WakeupKind.Run, cancellationToken);
        // Hangfire's monitoring API is synchronous I/O: keep it off the thread pool the requests share.
        var queued = await Task.Factory.StartNew(() => storage.GetMonitoringApi().EnqueuedCount(JobQueues.Threads),
            cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return woken + queued;
    }
}
