using ChatAgent.Core.Agents;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Tools;
using ChatAgent.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace ChatAgent.Core.Tests.Tools;

public sealed class ToolServiceCollectionExtensionsTests
{
    [Fact]
    public void AddChatAgentTools_ResolvesCatalogValidatorAndOneRunnerPerType()
    {
        var services = new ServiceCollection();
        var store = new ChatAgent.Core.Storage.InMemory.InMemoryEventStore();
        services.AddSingleton<IEventStore>(store);
        services.AddSingleton<ChatAgent.Core.Audit.IAuditStore>(store); // the reliability engine reads its time index
        services.AddChatAgentTools(o => o.Path = RepositoryPaths.Agents);
        using var provider = services.BuildServiceProvider();

        var registry = provider.GetRequiredService<ToolRegistry>();
        var catalog = provider.GetRequiredService<IAgentCatalog>();

        Assert.NotNull(catalog.FindAgent("deploy"));
        Assert.Empty(provider.GetRequiredService<ToolValidator>().Validate("done", System.Text.Json.JsonDocument.Parse("""{"summary":"ok"}""").RootElement));
        Assert.Equal(["builtin", "http", "shell"], provider.GetServices<IToolRunner>().Select(r => r.Type).Order());
        Assert.IsType<ShellToolRunner>(registry.FindRunner(catalog.FindTool("run_tests")!));
    }

    [Fact]
    public void AddChatAgentTools_WithABadAgentsFolder_FailsWhenTheCatalogIsResolved()
    {
        using var dir = new TempDirectory();
        dir.Write("broken.yaml", "name: x\nmax_steps: 99\n");
        var services = new ServiceCollection();
        services.AddChatAgentTools(o => o.Path = dir.Path);
        using var provider = services.BuildServiceProvider();

        Assert.Throws<AgentConfigurationException>(() => provider.GetRequiredService<IAgentCatalog>());
    }
}
