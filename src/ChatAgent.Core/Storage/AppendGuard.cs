using ChatAgent.Core.Events;

namespace ChatAgent.Core.Storage;

/// <summary>Argument checks every <see cref="IEventStore"/> makes before touching storage.</summary>
internal static class AppendGuard
{
    public static void Validate(string threadId, long expectedVersion, IReadOnlyList<NewEvent> events, ThreadSummary summary)
    {
        ArgumentException.ThrowIfNullOrEmpty(threadId);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        ArgumentNullException.ThrowIfNull(summary);
        // An empty append would "succeed" without proving anything about the version: refuse it.
        if (events is null || events.Count == 0) throw new ArgumentException("At least one event is required", nameof(events));
        if (threadId.StartsWith(Chat.ConversationProjection.StreamPrefix, StringComparison.Ordinal))
            throw new ArgumentException($"'{threadId}' names a conversation's stream, not a thread", nameof(threadId));
        if (summary.Id != threadId)
            throw new ArgumentException($"Summary is for thread {summary.Id}, not {threadId}", nameof(summary));
    }
}
