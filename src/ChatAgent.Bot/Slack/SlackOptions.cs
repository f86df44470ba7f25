namespace ChatAgent.Bot.Slack;

/// <summary>
/// Slack settings (<c>Slack__*</c>). Without a signing secret the HTTP routes answer 404; with an app token the bot
/// also connects over Socket Mode (no public URL needed).
/// </summary>
public sealed class SlackOptions
{
    public const string Section = "Slack";

    public string? SigningSecret { get; set; }

    public string? BotToken { get; set; }

    /// <summary>An app-level token (<c>xapp-…</c>) with <c>connections:write</c>: turns on Socket Mode.</summary>
    public string? AppToken { get; set; }

    public string ApiBaseUrl { get; set; } = "https://slack.com/api/";

    /// <summary>Where threads with no channel of their own (cron agents) post.</summary>
    public string? DefaultChannel { get; set; }

    /// <summary>The gap between two new messages in one channel (Slack allows about one a second).</summary>
    public TimeSpan MessageInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest <c>Retry-After</c> the client waits in line before giving the call back to the outbox's retry.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Slash commands' <c>response_url</c>s are used only when they start with this (Slack's own host).</summary>
    public string ResponseUrlPrefix { get; set; } = "https://hooks.slack.com/";

    public bool HttpEnabled => !string.IsNullOrWhiteSpace(SigningSecret);

    public bool SocketModeEnabled => !string.IsNullOrWhiteSpace(AppToken);

    public bool Enabled => HttpEnabled || SocketModeEnabled;
}
