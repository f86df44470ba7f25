using ChatAgent.Core.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChatAgent.Bot.Hosting;

/// <summary>Readiness: the event store answers a read.</summary>
public sealed class DatabaseHealthCheck(IEventStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.ListAsync(new ThreadQuery(Limit: 1), cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy("The event store is unreachable.", ex);
        }
    }
}
