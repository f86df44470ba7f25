using ChatAgent.Core.Events;

namespace ChatAgent.Bot.Slack;

/// <summary>Slack user ids as ChatAgent knows them: <c>slack:U123</c>.</summary>
public static class SlackUsers
{
    public const string Prefix = "slack:";

    public static Actor Actor(string userId, string? name) => Core.Events.Actor.User(Prefix + userId, string.IsNullOrWhiteSpace(name) ? null : name);

    /// <summary>A mention for Slack ids (<c>&lt;@U123&gt;</c>); other platforms' ids as they are.</summary>
    public static string Mention(string? id, string? name = null)
    {
        if (id is not null && id.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)) return $"<@{id[Prefix.Length..]}>";
        return name ?? id ?? "someone";
    }

    /// <summary>Slack's localised date formatting, with a UTC fallback.</summary>
    public static string Date(DateTimeOffset at) =>
        $"<!date^{at.ToUnixTimeSeconds()}^{{date_short_pretty}} {{time}}|{at.UtcDateTime:yyyy-MM-dd HH:mm} UTC>";
}
