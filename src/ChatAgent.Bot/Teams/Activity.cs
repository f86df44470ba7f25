using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChatAgent.Bot.Teams;

/// <summary>
/// The Bot Framework activity fields this bot reads and writes (a thin, typed subset of the Bot Framework
/// schema; unknown fields are ignored on the way in and omitted on the way out).
/// </summary>
public sealed record Activity
{
    public string? Type { get; init; }
    public string? Id { get; init; }
    public DateTimeOffset? Timestamp { get; init; }
    public string? ServiceUrl { get; init; }
    public string? ChannelId { get; init; }
    public ChannelAccount? From { get; init; }
    public ConversationAccount? Conversation { get; init; }
    public ChannelAccount? Recipient { get; init; }
    public string? Text { get; init; }
    public string? TextFormat { get; init; }
    public JsonElement? Value { get; init; }
    public string? Name { get; init; }
    public string? ReplyToId { get; init; }
    public TeamsChannelData? ChannelData { get; init; }
    public IReadOnlyList<ChannelAccount>? MembersAdded { get; init; }
    public IReadOnlyList<ChannelAccount>? MembersRemoved { get; init; }

    /// <summary><c>installationUpdate</c>: <c>add</c> or <c>remove</c> (the app installed in, or uninstalled from, the conversation).</summary>
    public string? Action { get; init; }
    public IReadOnlyList<Attachment>? Attachments { get; init; }

    /// <summary>Teams' tenant for the activity: <c>channelData.tenant.id</c>, else <c>conversation.tenantId</c>.</summary>
    [JsonIgnore]
    public string? TenantId => ChannelData?.Tenant?.Id ?? Conversation?.TenantId;
}

/// <summary>A user or bot: <c>id</c> is the channel's id (<c>29:…</c>, <c>28:…</c>), <c>aadObjectId</c> the Entra object id.</summary>
public sealed record ChannelAccount(string? Id, string? Name = null, string? AadObjectId = null);

public sealed record ConversationAccount(string? Id, string? TenantId = null, string? ConversationType = null, string? Name = null, bool? IsGroup = null);

public sealed record TeamsChannelData(TenantInfo? Tenant = null, TeamInfo? Team = null, TeamInfo? Channel = null);

public sealed record TenantInfo(string? Id);

public sealed record TeamInfo(string? Id, string? Name = null);

/// <summary>An attachment; cards go as <c>application/vnd.microsoft.card.adaptive</c> with the card as content.</summary>
public sealed record Attachment(string ContentType, object? Content);

/// <summary>Activity types and invoke names this bot handles.</summary>
public static class ActivityTypes
{
    public const string Message = "message";
    public const string Typing = "typing";
    public const string ConversationUpdate = "conversationUpdate";
    public const string InstallationUpdate = "installationUpdate";
    public const string Invoke = "invoke";
    public const string AdaptiveCardAction = "adaptiveCard/action";
}

/// <summary>
/// The body of a <c>POST /v3/conversations</c> (create a conversation: a new post in a channel, or the personal chat with
/// the one member of <see cref="Members"/>, by Entra object id, which Teams answers with the existing chat).
/// </summary>
public sealed record ConversationParameters(
    bool IsGroup,
    ChannelAccount? Bot,
    string? TenantId,
    Activity? Activity,
    TeamsChannelData? ChannelData,
    IReadOnlyList<ChannelAccount>? Members = null);

/// <summary>What the connector answers to a send (<c>id</c> of the new activity) or to a create conversation.</summary>
public sealed record ResourceResponse(string? Id, string? ActivityId = null);
