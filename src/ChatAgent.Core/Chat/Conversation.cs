namespace ChatAgent.Core.Chat;

/// <summary>
/// One row of the conversations projection: a place on a platform the bot knows, built from events only. A Slack
/// message or reply thread carries the ChatAgent thread a reply there reaches (<see cref="ThreadId"/>, from the thread's
/// own events); a Teams conversation carries what its install said (from its conversation stream).
/// </summary>
/// <param name="ConversationId">Teams: the conversation id; Slack: <c>channel|ts</c> of a message or reply thread.</param>
/// <param name="ThreadId">The thread a reply here belongs to; the first link wins.</param>
/// <param name="Installed">The bot is installed here now (a removal keeps the row, without the install's facts).</param>
/// <param name="Version">The seq of the last event in the conversation's stream; 0 when it has none.</param>
/// <param name="UpdatedAt">When the row was created, or changed by its stream.</param>
public sealed record Conversation(
    string Platform,
    string ConversationId,
    string? ThreadId,
    string? ServiceUrl,
    string? TenantId,
    string? BotId,
    string? ConversationType,
    string? Name,
    bool Installed,
    long Version,
    DateTimeOffset UpdatedAt)
{
    /// <summary>Where to post without being spoken to, while the bot is installed here.</summary>
    public ConversationReference? Reference => Installed
        ? new ConversationReference(Platform, ConversationId, ServiceUrl, TenantId, BotId, ConversationType, Name, UpdatedAt)
        : null;
}
