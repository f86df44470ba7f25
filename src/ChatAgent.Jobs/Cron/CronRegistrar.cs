using ChatAgent.Core.Agents;
using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ChatAgent.Jobs.Cron;

/// <summary>
/// At start-up, makes Hangfire's recurring jobs match the agents' cron triggers: one job <c>cron:&lt;trigger id&gt;</c>
/// (the trigger id starts with the agent's name) per trigger, added or updated, and every other <c>cron:</c> job
/// removed, so deleting an agent or a trigger stops its schedule. Jobs not starting with <c>cron:</c> are not ours
/// and are left alone.
/// </summary>
public sealed class CronRegistrar(IAgentCatalog catalog, IRecurringJobManager recurring, JobStorage storage, ILogger<CronRegistrar> log) : IHostedService
{
    public const string Prefix = "cron:";

    public static string JobId(CronTrigger trigger) => Prefix + trigger.Id;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Register();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Adds or updates every trigger's job and removes the rest; returns the ids registered.</summary>
    public IReadOnlyList<string> Register()
    {
        var wanted = new List<string>();
        foreach (var agent in catalog.Agents)
        {
            foreach (var trigger in agent.Triggers.Cron)
            {
                var id = JobId(trigger);
                var name = agent.Name;
                var triggerId = trigger.Id;
                recurring.AddOrUpdate<CronLaunchJob>(id, JobQueues.Default, j => j.RunAsync(name, triggerId, CancellationToken.None), trigger.Schedule,
                    new RecurringJobOptions { TimeZone = TimeZoneInfo.FindSystemTimeZoneById(trigger.TimeZone) });
                wanted.Add(id);
                log.LogInformation("Cron agent {Agent}: {Schedule} ({TimeZone}) as {JobId}", name, trigger.Schedule, trigger.TimeZone, id);
            }
        }
        using var connection = storage.GetConnection();
        foreach (var stale in connection.GetRecurringJobs().Select(j => j.Id).Where(id => id.StartsWith(Prefix, StringComparison.Ordinal) && !wanted.Contains(id)))
        {
            recurring.RemoveIfExists(stale);
            log.LogInformation("Removed cron job {JobId}: its agent or trigger is gone", stale);
        }
        return wanted;
    }
}
