namespace ChatAgent.Core.Storage;

/// <summary>
/// The durable queue between a commit and the work it asks for. A wake-up is stored in the same commit as the events
/// that need it, so a crash right after the commit loses nothing: the row waits for the next dispatcher (this process
/// after a restart, or any other). Handing on is at least once; a run or delivery with nothing to do is a no-op.
/// </summary>
public interface IWakeupQueue
{
    /// <summary>Stores wake-ups outside an append (a run asking for its deliveries, the sweeper) and wakes the dispatchers.</summary>
    Task AddAsync(IReadOnlyList<ThreadWakeup> wakeups, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims up to <paramref name="limit"/> wake-ups of <paramref name="kind"/>, oldest first and skipping those another
    /// dispatcher holds, passes them to <paramref name="dispatch"/> (one per thread), and removes them once it
    /// has returned. When it throws, they stay for the next call. Returns how many were removed.
    /// </summary>
    Task<int> DispatchAsync(WakeupKind kind, int limit, Func<IReadOnlyList<ThreadWakeup>, CancellationToken, Task> dispatch, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns when a wake-up may have been stored since the last return (in this process, or in another one through the
    /// database's notifications), or after <paramref name="timeout"/>, whichever comes first.
    /// </summary>
    Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>Wake-ups of <paramref name="kind"/> stored and not yet handed on (any process).</summary>
    Task<long> CountAsync(WakeupKind kind, CancellationToken cancellationToken = default);
}
