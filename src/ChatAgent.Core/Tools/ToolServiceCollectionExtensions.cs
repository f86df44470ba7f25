using ChatAgent.Core.Agents;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ChatAgent.Core.Tools;

public static class ToolServiceCollectionExtensions
{
    public const string HttpClientName = "ChatAgent.Tools";

    /// <summary>
    /// Registers the agent catalog (loaded once, from <see cref="AgentsOptions.Path"/>; a bad folder throws
    /// <see cref="AgentConfigurationException"/> on first use — resolve <see cref="IAgentCatalog"/> at start-up to fail fast),
    /// the validator, the registry and the builtin (needs an <see cref="Storage.IEventStore"/> registered by the host), http and shell runners. The host binds <see cref="AgentsOptions"/>
    /// and <see cref="ToolSecretsOptions"/> from configuration, or passes <paramref name="configure"/>.
    /// </summary>
    public static IServiceCollection AddChatAgentTools(this IServiceCollection services, Action<AgentsOptions>? configure = null)
    {
        var agents = services.AddOptions<AgentsOptions>();
        if (configure is not null) agents.Configure(configure);
        services.AddOptions<ToolSecretsOptions>();
        services.TryAddSingleton(TimeProvider.System);
        // Each tool has its own timeout; HttpClient's 100 s default must not cut it short.
        services.AddHttpClient(HttpClientName).ConfigureHttpClient(c => c.Timeout = Timeout.InfiniteTimeSpan);

        services.TryAddSingleton<IAgentCatalog>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<AgentsOptions>>().Value;
            var catalog = AgentCatalog.Load(options.Path);
            return options.WorkflowsPath is { } workflows ? Workflows.WorkflowLoader.Load(catalog, workflows) : catalog;
        });
        services.TryAddSingleton<ToolValidator>();
        services.TryAddSingleton<Reliability.ReliabilityEngine>();
        services.TryAddSingleton<ToolRegistry>();
        services.AddSingleton<IToolRunner, BuiltinToolRunner>();
        services.AddSingleton<IToolRunner, ShellToolRunner>();
        services.AddSingleton<IToolRunner>(sp => new HttpToolRunner(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
            sp.GetRequiredService<IOptions<ToolSecretsOptions>>(),
            sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
