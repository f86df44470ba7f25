namespace ChatAgent.Core.Events;

/// <summary>
/// Where a thread came from and where its messages go. Platform-specific references are
/// opaque strings here; only the matching chat surface interprets them.
/// </summary>
/// <param name="Platform"><c>slack</c>, <c>teams</c>, <c>web</c>, <c>api</c>, <c>webhook</c>, <c>cron</c>, <c>workflow</c>.</param>
/// <param name="Conversation">Slack channel id, Teams conversation id, web chat session; null when there is nowhere to reply.</param>
/// <param name="ThreadRef">A reply thread inside the conversation (Slack <c>thread_ts</c>, Teams reply-chain id).</param>
/// <param name="User">The requester's platform-qualified id.</param>
/// <param name="ServiceUrl">Teams: the Bot Connector service URL for the conversation.</param>
/// <param name="TenantId">Teams: the tenant of the conversation.</param>
public sealed record Origin(
    string Platform,
    string? Conversation = null,
    string? ThreadRef = null,
    string? User = null,
    string? ServiceUrl = null,
    string? TenantId = null);
