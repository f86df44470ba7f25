using ChatAgent.Core.Events;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Threads;

namespace ChatAgent.Jobs.Tests.Support;

/// <summary>Reading threads straight from the event store the processes share, for assertions.</summary>
public static class Threads
{
    public static async Task<IReadOnlyList<ThreadSummary>> ListAsync(IEventStore store, string? status = null) =>
        await store.ListAsync(new ThreadQuery(Status: status, Limit: 10_000));

    public static async Task<(IReadOnlyList<StoredEvent> Events, ThreadState State)> LoadAsync(IEventStore store, string threadId)
    {
        var events = await store.ReadAsync(threadId);
        return (events, ThreadReducer.Replay(events));
    }

    /// <summary>Every seq from 1 to the last, in order: no gap, no duplicate.</summary>
    public static void AssertContiguous(IReadOnlyList<StoredEvent> events)
    {
        for (var i = 0; i < events.Count; i++) Assert.Equal(i + 1, events[i].Seq);
    }

    public static IEnumerable<ToolCalled> ToolCalls(IReadOnlyList<StoredEvent> events) => events.Select(e => e.Data).OfType<ToolCalled>();
}
