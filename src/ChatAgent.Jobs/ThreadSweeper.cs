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
/// </summary>
public sealed class ThreadSweeper(
    IEventStore store,
    IThreadScheduler scheduler,
    IOptions<ThreadSweeperOptions> options,
    TimeProvider time,
    ILogger<ThreadSweeper> log) : BackgroundService
{
    /// <summary>One sweep; returns how many threads were re-scheduled.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var stale = await store.ListAsync(new ThreadQuery(
            Status: ThreadStatus.Running.WireName(), Limit: o.BatchSize, UpdatedBefore: time.GetUtcNow() - o.StaleAfter), cancellationToken);
        foreach (var thread in stale)
        {
            log.LogInformation("Thread {ThreadId} is running but has not moved since {UpdatedAt}; scheduling its run", thread.Id, thread.UpdatedAt);
            await scheduler.ScheduleRunAsync(thread.Id, cancellationToken);
            await scheduler.ScheduleDeliveryAsync(thread.Id, cancellationToken);
        }
        return stale.Count;
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
