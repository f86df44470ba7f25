using ChatAgent.Core.Storage;

namespace ChatAgent.Core.Threads;

/// <summary>A thread's state from the store: whole, or only the events a state already known lacks (O(new events)).</summary>
public static class ThreadReads
{
    /// <summary>The thread's state now, folded from its whole stream (<see cref="ThreadState.Empty"/> when it does not exist).</summary>
    public static async Task<ThreadState> ReadStateAsync(this IEventStore store, string threadId, CancellationToken ct = default) =>
        ThreadReducer.Replay(await store.ReadAsync(threadId, 0, ct));

    /// <summary>
    /// The thread's state now, from <paramref name="known"/> (a state of the same thread as the store had it) and the
    /// events appended since; a whole read when nothing is known yet.
    /// </summary>
    public static async Task<ThreadState> CatchUpAsync(this IEventStore store, string threadId, ThreadState? known, CancellationToken ct = default) =>
        known is null || known.Version == 0
            ? await store.ReadStateAsync(threadId, ct)
            : ThreadReducer.Fold(known, await store.ReadAsync(threadId, known.Version, ct));
}
