using System.Diagnostics;
using ChatAgent.Core.Observability;
using ChatAgent.Core.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatAgent.Jobs;

/// <summary>
/// Turns committed wake-ups into work, after the request that stored them has been answered: runs start here at once
/// (<see cref="LocalRuns"/>, as many as it has free workers; the rest wait in the table for this or another process),
/// and so do deliveries (<see cref="LocalDeliveries"/>; with <see cref="JobsOptions.DeliveryWorkers"/> 0 they become
/// Hangfire jobs, in batches). It looks when woken (a commit in this process, a notification from
/// another, a freed worker) and at least every <see cref="JobsOptions.DispatchPollInterval"/>, which bounds how late a
/// wake-up left by a crashed process or a lost notification is handed on. Each claim commits only after its hand-on,
/// so a crash in between leaves the wake-ups for the next look.
/// </summary>
public sealed class ThreadDispatcher(
    IWakeupQueue wakeups, LocalRuns runs, LocalDeliveries deliveries, HangfireThreadScheduler jobs, IOptions<JobsOptions> options, ILogger<ThreadDispatcher> log) : BackgroundService
{
    /// <summary>Test seam: called with the claimed threads before they are handed on (a throw there is a crash at that point).</summary>
    public Func<WakeupKind, IReadOnlyList<ThreadWakeup>, Task>? BeforeHandOn { get; set; }

    /// <summary>
    /// Run wake-ups left in the table at the end of the last look because every run worker here was busy (any process's,
    /// counted then, or up to <see cref="WaitingRunsRecount"/> before while the workers stayed busy); 0 when the look had a
    /// free worker left, since it claimed all it saw.
    /// </summary>
    public long WaitingRuns { get; private set; }

    /// <summary>
    /// While every run worker stays busy, the waiting runs are counted again at most this often: under a backlog each
    /// freed worker brings a look, and counting the table at each was a statement every 40 ms in the load driver's loop
    /// for a gauge read every few seconds.
    /// </summary>
    public static readonly TimeSpan WaitingRunsRecount = TimeSpan.FromSeconds(1);

    /// <summary>When <see cref="WaitingRuns"/> was last counted (a Stopwatch timestamp); 0 after a look with a free worker.</summary>
    private long _countedAt;

    /// <summary>One look: hands on every wake-up it can now; returns how many it removed.</summary>
    public async Task<int> DispatchAsync(CancellationToken stopping)
    {
        var handed = await StartLocallyAsync(WakeupKind.Run, runs, stopping);
        if (runs.Free > 0)
        {
            WaitingRuns = 0;
            _countedAt = 0;
        }
        else if (_countedAt == 0 || Stopwatch.GetElapsedTime(_countedAt) >= WaitingRunsRecount)
        {
            _countedAt = Stopwatch.GetTimestamp();
            WaitingRuns = await wakeups.CountAsync(WakeupKind.Run, stopping);
        }
        if (options.Value.DeliveryWorkers > 0) return handed + await StartLocallyAsync(WakeupKind.Deliver, deliveries, stopping);
        // A claim that took fewer than it asked for took all there was (rows another process holds are that process's
        // hand-on): the look ends there rather than with a claim that finds nothing. Later wake-ups set the signal again.
        int claimed;
        var batch = options.Value.DispatchBatchSize;
        do
        {
            claimed = await ClaimAsync(WakeupKind.Deliver, batch, EnqueueDeliveryAsync, stopping);
            handed += claimed;
        }
        while (claimed == batch);
        return handed;
    }

    /// <summary>
    /// Claims wake-ups of <paramref name="kind"/> while <paramref name="work"/> has free workers, and starts each there;
    /// stops after a claim that took fewer than it asked for (it took all there was).
    /// </summary>
    private async Task<int> StartLocallyAsync(WakeupKind kind, LocalWork work, CancellationToken stopping)
    {
        var handed = 0;
        while (true)
        {
            // Flagged before the workers are counted: one that frees up after the count sets the signal for another look.
            work.Saturated = true;
            var free = work.Free;
            if (free <= 0) break;
            work.Saturated = false;
            var asked = Math.Min(free, options.Value.DispatchBatchSize);
            var claimed = await ClaimAsync(kind, asked, (wakeup, _) =>
            {
                work.Start(wakeup, stopping);
                return Task.CompletedTask;
            }, stopping);
            handed += claimed;
            if (claimed < asked) break;
        }
        return handed;
    }

    /// <summary>One claim of at most <paramref name="asked"/> wake-ups of <paramref name="kind"/>, each handed to <paramref name="handOn"/> (after the test seam).</summary>
    private Task<int> ClaimAsync(WakeupKind kind, int asked, Func<ThreadWakeup, CancellationToken, Task> handOn, CancellationToken stopping) =>
        wakeups.DispatchAsync(kind, asked, async (threads, ct) =>
        {
            if (BeforeHandOn is { } seam) await seam(kind, threads);
            foreach (var wakeup in threads) await handOn(wakeup, ct);
        }, stopping);

    /// <summary>The delivery job is created under a span in the asker's trace, which Hangfire's client filter passes on to the job.</summary>
    private async Task EnqueueDeliveryAsync(ThreadWakeup wakeup, CancellationToken ct)
    {
        ActivityContext.TryParse(wakeup.TraceParent, null, out var parent);
        using var activity = ChatAgentTelemetry.Source.StartActivity("chatagent.wakeup.deliver", ActivityKind.Producer, parent);
        activity?.SetTag(ChatAgentTelemetry.Tags.ThreadId, wakeup.ThreadId);
        await jobs.ScheduleDeliveryAsync(wakeup.ThreadId, ct);
    }

    /// <summary>Stops looking, then waits for this process's runs and deliveries: they were cancelled and leave wake-ups behind.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await Task.WhenAll(runs.WhenIdleAsync(), deliveries.WhenIdleAsync()).WaitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DispatchAsync(stoppingToken);
                await wakeups.WaitAsync(options.Value.DispatchPollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database may be away: the wake-ups stay where they are; look again after the poll interval.
                log.LogWarning(ex, "Dispatching wake-ups failed");
                try
                {
                    await Task.Delay(options.Value.DispatchPollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
