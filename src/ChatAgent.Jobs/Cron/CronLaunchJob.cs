using ChatAgent.Core.Agents;
using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using Cronos;
using Hangfire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatAgent.Jobs.Cron;

/// <summary>
/// A cron trigger's occurrence: launches the agent as <c>system</c>, posting where the trigger's channel says
/// (<c>slack:C123</c>, <c>teams:&lt;conversation&gt;</c>), else to <c>Slack:DefaultChannel</c> or
/// <c>Teams:DefaultConversation</c>, else nowhere (<c>cron</c>). The launch's delivery key names the occurrence, so
/// several servers firing the same occurrence launch one thread.
/// </summary>
public sealed class CronLaunchJob(ThreadService threads, IAgentCatalog catalog, IOptions<CronOptions> options, TimeProvider time, ILogger<CronLaunchJob> log)
{
    /// <summary>Hangfire's entry point: the occurrence is the schedule's latest at or before now.</summary>
    [Queue(JobQueues.Default)]
    [AutomaticRetry(Attempts = 3)]
    public Task RunAsync(string agent, string triggerId, CancellationToken cancellationToken) =>
        LaunchAsync(agent, triggerId, null, cancellationToken);

    /// <summary>Launches the agent for one occurrence (null: the latest at or before now). Null when nothing was launched.</summary>
    public async Task<CommandResult?> LaunchAsync(string agent, string triggerId, DateTimeOffset? occurrence, CancellationToken cancellationToken)
    {
        var definition = catalog.FindAgent(agent);
        var trigger = definition?.Triggers.Cron.FirstOrDefault(t => t.Id == triggerId);
        if (trigger is null)
        {
            // The agent or trigger was removed; the registrar drops this job at the next start-up.
            log.LogWarning("Cron trigger {Trigger} of agent {Agent} no longer exists; nothing launched", triggerId, agent);
            return null;
        }
        var at = occurrence ?? LatestOccurrence(trigger, time.GetUtcNow());
        var key = $"cron:{agent}:{triggerId}:{at.UtcDateTime:yyyy-MM-ddTHH:mmZ}";
        var result = await threads.LaunchAsync(new LaunchCommand(agent, trigger.Input, OriginOf(trigger.Channel), Actor.System, key), cancellationToken);
        if (!result.Accepted)
            log.LogError("Cron trigger {Trigger} of agent {Agent} could not launch: {Reason}", triggerId, agent, result.Message);
        else if (result.Duplicate)
            log.LogInformation("Cron occurrence {Key} was already launched as {ThreadId}", key, result.State?.Id);
        return result;
    }

    /// <summary>Where a cron thread posts: the trigger's <c>platform:conversation</c>, else the configured default.</summary>
    public Origin OriginOf(string? channel)
    {
        if (!string.IsNullOrWhiteSpace(channel))
        {
            var colon = channel.IndexOf(':');
            var platform = colon > 0 ? channel[..colon].Trim().ToLowerInvariant() : "slack";
            var conversation = colon > 0 ? channel[(colon + 1)..].Trim() : channel.Trim();
            return new Origin(platform, conversation);
        }
        if (options.Value.SlackDefaultChannel is { Length: > 0 } slack) return new Origin("slack", slack.Trim());
        if (options.Value.TeamsDefaultConversation is { Length: > 0 } teams) return new Origin("teams", teams.Trim());
        return new Origin("cron");
    }

    /// <summary>The schedule's latest occurrence at or before <paramref name="now"/> (searching back up to a year and a day).</summary>
    public static DateTimeOffset LatestOccurrence(CronTrigger trigger, DateTimeOffset now)
    {
        var expression = CronExpression.Parse(trigger.Schedule, CronFormat.Standard);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(trigger.TimeZone);
        for (var span = TimeSpan.FromHours(1); span <= TimeSpan.FromDays(800); span *= 2)
        {
            var last = expression.GetOccurrences(now - span, now, zone, fromInclusive: true, toInclusive: true).LastOrDefault();
            if (last != default) return last;
        }
        return now;
    }
}
