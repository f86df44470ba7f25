using System.Collections.Concurrent;
using System.Collections.Immutable;
using ChatAgent.Core.Events;
using ChatAgent.Core.Planning;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Threads;

namespace ChatAgent.Core.Runtime;

/// <summary>
/// A thread as of its last known event: the events, the state folded from them and the model's history lines.
/// Immutable; <see cref="With"/> folds newer events into a new snapshot, so a step costs the events it adds,
/// not the thread's length.
/// </summary>
public sealed record ThreadSnapshot(string ThreadId, ImmutableList<StoredEvent> Events, ThreadState State, ImmutableList<string> History)
{
    /// <summary>The seq of the last event folded in (0: none).</summary>
    public long Seq => State.Version;

    public static ThreadSnapshot Empty(string threadId) => new(threadId, [], ThreadState.Empty, []);

    /// <summary>This snapshot with <paramref name="newer"/> folded in; they must follow <see cref="Seq"/> without a gap.</summary>
    public ThreadSnapshot With(IEnumerable<StoredEvent> newer)
    {
        var events = Events.ToBuilder();
        var history = History.ToBuilder();
        var state = State;
        foreach (var e in newer)
        {
            if (e.ThreadId != ThreadId || e.Seq != state.Version + 1)
                throw new InvalidOperationException($"Event {e.ThreadId}#{e.Seq} does not follow {ThreadId}#{state.Version}.");
            var before = state;
            state = ThreadReducer.Reduce(state, e);
            events.Add(e);
            if (ContextHistory.Line(e, before, state, ContextOptions.Default) is { } line) history.Add(line);
        }
        return new ThreadSnapshot(ThreadId, events.ToImmutable(), state, history.ToImmutable());
    }
}

/// <summary>
/// The loop's per-process memory of the threads it runs (issue: a step at event 1,000 must cost what it costs at
/// event 10). A load reads only the events after the snapshot's seq; the store stays the truth, because events are
/// only ever appended and a snapshot only ever holds events as the store returns them. A step's own appends are kept
/// as the append returns them, as stored (PostgreSQL's jsonb orders an object's keys its own way, and the model must
/// see the same bytes whether its thread was cached or not), so within a run the next step reads nothing
/// (<see cref="AgentLoop"/>). A run forgets its thread when it stops, so threads that wait for people cost no memory
/// here; <see cref="Capacity"/> bounds the rest.
/// </summary>
public sealed class ThreadCache(IEventStore store)
{
    /// <summary>At most this many threads are remembered; beyond it the least recently advanced are dropped.</summary>
    public const int Capacity = 256;

    private readonly ConcurrentDictionary<string, ThreadSnapshot> _threads = new(StringComparer.Ordinal);

    /// <summary>How many threads are remembered now.</summary>
    public int Count => _threads.Count;

    /// <summary>The thread as the store has it now, reading only what the remembered snapshot lacks.</summary>
    public async Task<ThreadSnapshot> LoadAsync(string threadId, CancellationToken ct = default)
    {
        var known = _threads.TryGetValue(threadId, out var s) ? s : ThreadSnapshot.Empty(threadId);
        var newer = await store.ReadAsync(threadId, known.Seq, ct);
        var now = newer.Count == 0 ? known : known.With(newer);
        Keep(now);
        return now;
    }

    /// <summary>Remembers <paramref name="snapshot"/> unless a newer one of the same thread is already known.</summary>
    public void Keep(ThreadSnapshot snapshot)
    {
        if (snapshot.Seq == 0) return;
        _threads.AddOrUpdate(snapshot.ThreadId, snapshot, (_, old) => old.Seq >= snapshot.Seq ? old : snapshot);
        if (_threads.Count > Capacity) Trim();
    }

    /// <summary>Drops the thread (its run stopped: the next run reads it afresh).</summary>
    public void Forget(string threadId) => _threads.TryRemove(threadId, out _);

    private void Trim()
    {
        foreach (var stale in _threads.Values.OrderBy(t => t.State.UpdatedAt).Take(_threads.Count - Capacity / 2).ToList())
            _threads.TryRemove(new KeyValuePair<string, ThreadSnapshot>(stale.ThreadId, stale));
    }
}
