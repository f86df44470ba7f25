using ChatAgent.Core.Agents;
using ChatAgent.Core.Planning;
using ChatAgent.Core.Storage;
using Microsoft.Extensions.Options;

namespace ChatAgent.Bot.Hosting;

/// <summary>
/// Fails start-up on a bad agents folder or an unreachable database, with the problems listed, and says plainly
/// which mode (local or exposed, and why), storage and planner this process runs with (in-memory storage loses everything on exit).
/// </summary>
public sealed class StartupCheck(
    IAgentCatalog catalog,
    IStorageInitializer storage,
    IPlanner planner,
    IConfiguration configuration,
    IOptions<Core.Tools.AgentsOptions> agents,
    Security.BotMode mode,
    ILogger<StartupCheck> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (mode.Exposed)
        {
            log.LogInformation("Mode: exposed, because {Reasons}. Who acts is authenticated; approvals and steering need a permitted, distinct person; foreign hosts and origins are refused.", string.Join("; ", mode.Reasons));
            if (configuration["AllowedHosts"] is null or "" or "*")
                log.LogWarning("AllowedHosts is '*': the bot answers any host name. Set AllowedHosts to its public host name(s) (docker-compose.yml requires it).");
        }
        else
            log.LogInformation("Mode: local, because {Reasons}. Only this machine can reach the bot (loopback host names only).", string.Join("; ", mode.Reasons));
        await storage.EnsureSchemaAsync(cancellationToken);
        var postgres = !string.IsNullOrWhiteSpace(configuration.GetConnectionString("Postgres"));
        if (postgres)
            log.LogInformation("Storage: PostgreSQL (events and jobs)");
        else
            log.LogWarning("Storage: IN MEMORY — threads and jobs are lost when this process exits. Set ConnectionStrings__Postgres to keep them.");
        log.LogInformation("Planner: {Planner}", planner.Name);
        log.LogInformation("Agents from {Path}: {Agents}", agents.Value.Path, string.Join(", ", catalog.Agents.Select(a => a.Name)));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
