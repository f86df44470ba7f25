namespace ChatAgent.Core.Events;

/// <summary>
/// Delivery receipt for an outbox entry: the platform's reference to the posted message, so later
/// versions update it in place. <see cref="Version"/> is the seq of the <c>message_queued</c> delivered.
/// </summary>
public sealed record MessagePosted(string MessageKey, string Platform, string Ref, long Version) : ThreadEvent;
