namespace ChatAgent.Core.Events;

/// <summary>
/// The bot was added to a conversation (or its app installed or upgraded there), with what the platform said is
/// needed to post there later without being spoken to. A later install replaces the earlier facts; a missing
/// <see cref="Name"/> keeps the one known before.
/// </summary>
/// <param name="ServiceUrl">Teams: the Bot Connector service URL for the conversation.</param>
/// <param name="TenantId">Teams: the tenant the conversation lives in.</param>
/// <param name="BotId">The bot's own id in the conversation (Teams: <c>28:&lt;appId&gt;</c>).</param>
/// <param name="ConversationType">Teams: <c>personal</c>, <c>channel</c> or <c>groupChat</c>.</param>
/// <param name="Name">A name people recognise (team or channel name), when the platform gave one.</param>
[EventVersion(1)]
public sealed record ConversationInstalled(
    string Platform,
    string ConversationId,
    string? ServiceUrl,
    string? TenantId,
    string? BotId,
    string? ConversationType,
    string? Name) : ConversationEvent;
