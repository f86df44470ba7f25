using ChatAgent.Core.Agents;
using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using Cronos;
using Hangfire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatAgent.Jobs.Cron;

/// <summary>
/// A cron trigger's occurrence: launches the agent as <c>system</c> once for each place it posts to: every channel the
/// trigger names (<c>slack:C123</c>, <c>teams:&lt;conversation&gt;</c>), else every configured default
/// (<c>Slack:DefaultChannel</c> and <c>Teams:DefaultConversation</c>), else nowhere (<c>cron</c>). A thread has one
/// origin, so a summary for Slack and Teams is two threads, each posting once. The launch's delivery key names the
/// occurrence (and the place, when there are several), so several servers firing the same occurrence launch once.
/// </summary>
public sealed class CronLaunchJob(ThreadService threads, IAgentCatalog catalog, IOptions<CronOptions> options, TimeProvider time, ILogger<CronLaunchJob> log)
{
    /// <summary>Hangfire's entry point: the occurrence is the schedule's latest at or before now.</summary>
    [Queue(JobQueues.Default)]
    [AutomaticRetry(Attempts = 3)]
    public Task RunAsync(string agent, string triggerId, CancellationToken cancellationToken) =>
        LaunchAsync(agent, triggerId, null, cancellationToken);

    /// <summary>
    /// Launches the agent for one occurrence (null: the latest at or before now) in each of its places; the results in
    /// the order of <see cref="OriginsOf"/>. Null when the trigger no longer exists.
    /// </summary>
    public async Task<IReadOnlyList<CommandResult>?> LaunchAsync(string agent, string triggerId, DateTimeOffset? occurrence, CancellationToken cancellationToken)
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
        var occurrenceKey = $"cron:{agent}:{triggerId}:{at.UtcDateTime:yyyy-MM-ddTHH:mmZ}";
        var origins = OriginsOf(trigger.Channels);
        var results = new List<CommandResult>(origins.Count);
        foreach (var origin in origins)
        {
            // One place keeps the occurrence's own key, so a single-place trigger's key is the same as it always was.
            var key = origins.Count == 1 ? occurrenceKey : $"{occurrenceKey}@{origin.Platform}:{origin.Conversation}";
            var result = await threads.LaunchAsync(new LaunchCommand(agent, trigger.Input, origin, Actor.System, key), cancellationToken);
            if (!result.Accepted)
                log.LogError("Cron trigger {Trigger} of agent {Agent} could not launch for {Platform}: {Reason}", triggerId, agent, origin.Platform, result.Message);
            else if (result.Duplicate)
                log.LogInformation("Cron occurrence {Key} was already launched as {ThreadId}", key, result.State?.Id);
            results.Add(result);
        }
        return results;
    }

    /// <summary>
    /// Where a cron trigger posts: each of its <c>platform:conversation</c> channels (a bare id is a Slack channel), else
    /// each configured default (Slack first), else nowhere (<c>cron</c>).
    /// </summary>
    public IReadOnlyList<Origin> OriginsOf(IReadOnlyList<string> channels)
    {
        if (channels.Count > 0) return [.. channels.Select(ParseChannel).Distinct()];
        var defaults = new List<Origin>();
        if (options.Value.SlackDefaultChannel is { Length: > 0 } slack) defaults.Add(new Origin("slack", slack.Trim()));
        if (options.Value.TeamsDefaultConversation is { Length: > 0 } teams) defaults.Add(new Origin("teams", teams.Trim()));
        return defaults.Count > 0 ? defaults : [new Origin("cron")];
    }

    private static Origin ParseChannel(string channel)
    {
        var colon = channel.IndexOf(':');
        var platform = colon > 0 ? channel[..colon].Trim().ToLowerInvariant() : "slack";
        var conversation = colon > 0 ? channel[(colon + 1)..].Trim() : channel.Trim();
        return new Origin(platform, conversation);
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
