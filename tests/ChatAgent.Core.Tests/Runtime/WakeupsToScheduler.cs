using ChatAgent.Core.Events;
using ChatAgent.Core.Storage;

namespace ChatAgent.Core.Tests.Runtime;

/// <summary>
/// The real store, with the dispatcher inline: the wake-ups an append stores (a command's run and delivery) are also
/// recorded on the <see cref="RecordingScheduler"/> the moment the append commits, beside what the loop asks it for.
/// </summary>
internal sealed class WakeupsToScheduler(IEventStore inner, RecordingScheduler scheduler) : IEventStore
{
    public Task<IReadOnlyList<StoredEvent>> ReadAsync(string threadId, long afterSeq = 0, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(threadId, afterSeq, cancellationToken);

    public async Task<IReadOnlyList<StoredEvent>> AppendAsync(string threadId, long expectedVersion, IReadOnlyList<NewEvent> events, ThreadSummary summary,
        string? deliveryKey = null, IReadOnlyList<ThreadWakeup>? wakeups = null, CancellationToken cancellationToken = default)
    {
        var stored = await inner.AppendAsync(threadId, expectedVersion, events, summary, deliveryKey, wakeups, cancellationToken);
        foreach (var w in wakeups ?? [])
            await (w.Kind == WakeupKind.Run ? scheduler.ScheduleRunAsync(w.ThreadId, cancellationToken) : scheduler.ScheduleDeliveryAsync(w.ThreadId, cancellationToken));
        return stored;
    }

    public Task<IReadOnlyList<ThreadSummary>> ListAsync(ThreadQuery query, CancellationToken cancellationToken = default) =>
        inner.ListAsync(query, cancellationToken);
}
