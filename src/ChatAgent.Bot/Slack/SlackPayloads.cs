using System.Text.Json;

namespace ChatAgent.Bot.Slack;

// What Slack sends us, as far as the bot reads it (snake_case JSON, see SlackJson).

/// <summary>A slash command (form fields of <c>POST /slack/commands</c>, or a Socket Mode <c>slash_commands</c> payload).</summary>
public sealed record SlashCommand(string Command, string Text, string UserId, string? UserName, string ChannelId, string TriggerId, string? ResponseUrl = null);

/// <summary>A reply only the person asking sees; <see cref="ThreadId"/> is set when the command launched (or had launched) a thread.</summary>
public sealed record SlackReply(string Text, IReadOnlyList<SlackBlock>? Blocks = null, string? ThreadId = null);

public sealed record SlackUser(string Id, string? Username = null, string? Name = null);

public sealed record SlackChannelRef(string Id);

public sealed record SlackContainer(string? Type = null, string? ChannelId = null, string? MessageTs = null);

public sealed record SlackAction(string ActionId, string? Value = null);

public sealed record SlackInputValue(string? Value = null);

public sealed record SlackViewState(Dictionary<string, Dictionary<string, SlackInputValue>>? Values = null);

/// <summary>A view as Slack sends it back: a modal being submitted, or the App Home tab a button was pressed on (<see cref="Type"/> <c>home</c>).</summary>
public sealed record SlackView(string? CallbackId = null, string? PrivateMetadata = null, SlackViewState? State = null, string? Type = null);

/// <summary>An interaction (<c>payload=</c> of <c>POST /slack/interactions</c>): <c>block_actions</c> or <c>view_submission</c>.</summary>
public sealed record InteractionPayload(
    string Type,
    SlackUser User,
    string? TriggerId = null,
    SlackChannelRef? Channel = null,
    SlackContainer? Container = null,
    IReadOnlyList<SlackAction>? Actions = null,
    SlackView? View = null)
{
    public string? ChannelId => Channel?.Id ?? Container?.ChannelId;

    /// <summary>Pressed on the App Home tab, which has no channel to answer in.</summary>
    public bool FromHome => View?.Type == "home";

    /// <summary>What the handlers had to tell the person who pressed a button on the App Home tab (shown at its top).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public List<string> HomeNotices { get; } = [];
}

/// <summary>The identity of the approval a comment modal decides, carried in the modal's <c>private_metadata</c>.</summary>
public sealed record CommentMetadata(string Thread, string Approval, string Decision);

/// <summary>The identity of the approval an edit modal changes and approves, carried in the modal's <c>private_metadata</c>.</summary>
public sealed record EditMetadata(string Thread, string Approval);

/// <summary>The message event inside an Events API callback (<c>app_mention</c>, <c>message</c>).</summary>
public sealed record SlackMessageEvent(
    string Type,
    string? User = null,
    string? Text = null,
    string? Channel = null,
    string? ChannelType = null,
    string? Ts = null,
    string? ThreadTs = null,
    string? BotId = null,
    string? Subtype = null,
    string? Tab = null);

/// <summary>An Events API request: <c>url_verification</c> or <c>event_callback</c>.</summary>
public sealed record EventEnvelope(string Type, string? Challenge = null, string? EventId = null, SlackMessageEvent? Event = null,
    IReadOnlyList<EventAuthorization>? Authorizations = null);

/// <summary>Who the event was delivered for: the bot's own user id, so a message that @mentions it is recognised.</summary>
public sealed record EventAuthorization(string? UserId = null, bool IsBot = false);

public static class SlackPayloadParser
{
    /// <summary>Parses Slack JSON into <typeparamref name="T"/>; null when it is not valid JSON of that shape.</summary>
    public static T? TryParse<T>(string json) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, SlackJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
