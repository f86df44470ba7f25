namespace ChatAgent.Jobs.Cron;

/// <summary>
/// Where cron threads post when their trigger names no channel: <c>Slack:DefaultChannel</c> (preferred), else
/// <c>Teams:DefaultConversation</c>, else nowhere. The host binds these from its configuration.
/// </summary>
public sealed class CronOptions
{
    public string? SlackDefaultChannel { get; set; }

    public string? TeamsDefaultConversation { get; set; }
}
