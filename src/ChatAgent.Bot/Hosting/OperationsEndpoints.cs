using Hangfire;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace ChatAgent.Bot.Hosting;

/// <summary><c>/healthz</c> (liveness), <c>/readyz</c> (database reachable), <c>/hangfire</c> and the OpenAPI document.</summary>
public static class OperationsEndpoints
{
    public static WebApplication MapOperations(this WebApplication app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        app.MapOpenApi("/openapi/v1.json");
        app.UseHangfireDashboard("/hangfire", new DashboardOptions
        {
            Authorization = [DashboardAuthorizationFilter.From(app.Configuration)],
            DisplayStorageConnectionString = false,
        });
        return app;
    }
}
