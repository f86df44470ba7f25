using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatAgent.Jobs;

/// <summary>
/// Returns the memory a burst of work left behind once the process is idle again. A burst of launches makes the GC
/// grow its heaps, and it keeps them after the burst: with 1,000 threads waiting for people, the live objects were about
/// 6 KB a thread but the working set grew by 110 KB a thread. After <see cref="JobsOptions.TrimMemoryAfterIdle"/> with no
/// run and no delivery in progress or ended, one blocking, compacting full collection (<see cref="GCCollectionMode.Aggressive"/>)
/// decommits what the heaps no longer use. Once per quiet spell: an idle process that did nothing is never collected
/// again, and nothing is collected while work runs.
/// </summary>
public sealed class IdleMemoryTrim(LocalRuns runs, LocalDeliveries deliveries, IOptions<JobsOptions> options, TimeProvider time, ILogger<IdleMemoryTrim> log)
    : BackgroundService
{
    /// <summary>Trims done so far.</summary>
    public int Trims { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var after = options.Value.TrimMemoryAfterIdle;
        if (after <= TimeSpan.Zero) return;
        var idle = new IdleSpell(after);
        var look = TimeSpan.FromTicks(Math.Clamp(after.Ticks / 4, TimeSpan.TicksPerMillisecond * 10, TimeSpan.TicksPerSecond));
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(look, time, stoppingToken);
                if (idle.Observe(runs.Active + deliveries.Active, runs.Ended + deliveries.Ended, time.GetUtcNow())) Trim();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void Trim()
    {
        var before = Environment.WorkingSet;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        Trims++;
        log.LogDebug("Idle: compacted the heap, working set {Before} -> {After} MB", before >> 20, Environment.WorkingSet >> 20);
    }
}

/// <summary>When a quiet spell after some work has lasted long enough (a pure decision: the counts and the time come in).</summary>
public sealed class IdleSpell(TimeSpan after)
{
    private long _seen;
    private long _trimmed;
    private DateTimeOffset? _quietSince;

    /// <summary>
    /// True once per quiet spell: nothing <paramref name="active"/>, no attempt <paramref name="ended"/> since the last
    /// look, for at least <c>after</c>, and some work done since the last true.
    /// </summary>
    public bool Observe(int active, long ended, DateTimeOffset now)
    {
        if (active > 0 || ended != _seen || _quietSince is null)
        {
            _seen = ended;
            _quietSince = active > 0 ? null : now;
            return false;
        }
        if (ended == _trimmed || now - _quietSince < after) return false;
        _trimmed = ended;
        return true;
    }
}
