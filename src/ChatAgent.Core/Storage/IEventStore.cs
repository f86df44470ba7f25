using ChatAgent.Core.Events;

namespace ChatAgent.Core.Storage;

/// <summary>
/// The event store: the only source of truth (factor 5). Appends happen at an expected version;
/// <c>(thread_id, seq)</c> is the concurrency control.
/// </summary>
public interface IEventStore
{
    /// <summary>Events of a thread with seq greater than <paramref name="afterSeq"/>, in order; empty for an unknown thread.</summary>
    Task<IReadOnlyList<StoredEvent>> ReadAsync(string threadId, long afterSeq = 0, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends <paramref name="events"/> after seq <paramref name="expectedVersion"/> (0 for a new thread) and updates the
    /// thread-list projection with <paramref name="summary"/> in the same transaction. Throws
    /// <see cref="ConcurrencyException"/> when the thread is not at that version, and
    /// <see cref="DuplicateDeliveryException"/> when <paramref name="deliveryKey"/> was already used; in both cases nothing is written.
    /// <paramref name="wakeups"/> (the work the change asks for) are stored in the same commit, so they exist exactly
    /// when the events do, and the dispatchers are woken (<see cref="IWakeupQueue"/>). Returns the events as stored, the
    /// same as a later <see cref="ReadAsync"/> returns them (PostgreSQL's jsonb orders an object's keys its own way), so
    /// a writer may keep them instead of reading its own events back.
    /// </summary>
    Task<IReadOnlyList<StoredEvent>> AppendAsync(
        string threadId,
        long expectedVersion,
        IReadOnlyList<NewEvent> events,
        ThreadSummary summary,
        string? deliveryKey = null,
        IReadOnlyList<ThreadWakeup>? wakeups = null,
        CancellationToken cancellationToken = default);

    /// <summary>The thread-list projection, newest first.</summary>
    Task<IReadOnlyList<ThreadSummary>> ListAsync(ThreadQuery query, CancellationToken cancellationToken = default);
}

/// <summary>
/// Filter for <see cref="IEventStore.ListAsync"/>; null fields match everything. <see cref="UpdatedBefore"/> finds
/// threads that have not moved for a while; <see cref="Platform"/> with <see cref="UndeliveredOnly"/> finds outboxes
/// waiting for delivery to a platform (both for the jobs' sweeper).
/// </summary>
public sealed record ThreadQuery(
    string? Status = null,
    string? Agent = null,
    int Limit = 100,
    string? DeliveryKey = null,
    DateTimeOffset? UpdatedBefore = null,
    string? Platform = null,
    bool UndeliveredOnly = false);
