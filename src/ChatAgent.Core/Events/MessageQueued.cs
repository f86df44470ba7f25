namespace ChatAgent.Core.Events;

/// <summary>
/// Outbox entry: a message or card to show at the thread's origin. A later entry with the same
/// <see cref="MessageKey"/> replaces the earlier one in place (a card update, not a new post).
/// <see cref="Kind"/>: <c>status</c>, <c>approval</c>, <c>question</c>, <c>stuck</c>, <c>final</c>, <c>notice</c>.
/// </summary>
public sealed record MessageQueued(
    string MessageKey,
    string Kind,
    string Text,
    string? ApprovalId = null,
    string? RequestId = null) : ThreadEvent;
