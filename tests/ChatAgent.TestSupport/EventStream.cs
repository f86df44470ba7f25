using ChatAgent.Core.Events;
using ChatAgent.Core.Threads;

namespace ChatAgent.TestSupport;

/// <summary>
/// Builds one thread's stored events the way the store would: seq 1, 2, 3 … and a clock that moves
/// one second per event unless told otherwise. Each test creates its own stream (and thread id).
/// </summary>
public sealed class EventStream(string threadId, DateTimeOffset? start = null)
{
    public static readonly DateTimeOffset DefaultStart = new(2026, 1, 15, 9, 30, 0, TimeSpan.Zero);

    private readonly List<StoredEvent> _events = [];
    private DateTimeOffset _clock = start ?? DefaultStart;

    public string ThreadId { get; } = threadId;

    public IReadOnlyList<StoredEvent> Events => _events;

    /// <summary>The time of the last event appended (the start time when empty).</summary>
    public DateTimeOffset Now => _clock;

    public ThreadState State => ThreadReducer.Replay(_events);

    public EventStream Add(ThreadEvent data, Actor? actor = null, TimeSpan? after = null)
    {
        _clock += after ?? TimeSpan.FromSeconds(1);
        _events.Add(new StoredEvent(ThreadId, _events.Count + 1, _clock, actor ?? Actor.Agent, data));
        return this;
    }
}
