namespace ChatAgent.Core.Chat;

/// <summary>
/// Where a bot was installed and can post later without being spoken to (cron posts, proactive cards).
/// Opaque to Core: only the platform's surface interprets the fields.
/// </summary>
/// <param name="Platform"><c>teams</c>, <c>slack</c>, …</param>
/// <param name="ConversationId">The platform's conversation (Teams: conversation id; for a channel, the channel's id).</param>
/// <param name="ServiceUrl">Teams: the Bot Connector service URL for the conversation.</param>
/// <param name="TenantId">Teams: the tenant the conversation lives in.</param>
/// <param name="BotId">The bot's own id in that conversation (Teams: <c>28:&lt;appId&gt;</c>).</param>
/// <param name="ConversationType">Teams: <c>personal</c>, <c>channel</c> or <c>groupChat</c>.</param>
/// <param name="Name">A name people recognise (team or channel name) when the platform gave one.</param>
public sealed record ConversationReference(
    string Platform,
    string ConversationId,
    string? ServiceUrl,
    string? TenantId,
    string? BotId,
    string? ConversationType,
    string? Name,
    DateTimeOffset UpdatedAt);
