namespace ChatAgent.Core.Events;

/// <summary>
/// Delivery receipt for an outbox entry: the platform's reference to the posted message, so later
/// versions update it in place. <see cref="Version"/> is the seq of the <c>message_queued</c> delivered.
/// <see cref="To"/>: the person a copy of the message went to in a direct message (an approval card for a policy with
/// <c>direct_message: true</c>); null for the message in the thread's own conversation.
/// </summary>
public sealed record MessagePosted(string MessageKey, string Platform, string Ref, long Version, string? To = null) : ThreadEvent;
