using ChatAgent.Core.Agents;
using ChatAgent.Core.Chat;
using ChatAgent.TestSupport;

namespace ChatAgent.Core.Tests.Chat;

public sealed class ChatOptionsTests
{
    private static readonly AgentCatalog Catalog = AgentCatalog.Load(RepositoryPaths.Agents);

    [Fact]
    public void InOrder_PutsDeployFirst_ThenTheOthersByName() =>
        Assert.Equal(
            ["deploy", "campaign-audience", "campaign-content", "campaign-delivery", "campaign-report", "daily-summary", "incident", "release-notify", "release-test"],
            new ChatOptions().InOrder(Catalog.Agents).Select(a => a.Name));

    [Fact]
    public void InOrder_WithAFirstAgentThatIsNotLoaded_IsByName() =>
        Assert.Equal(Catalog.Agents.Select(a => a.Name).Order(StringComparer.Ordinal),
            new ChatOptions { FirstAgent = "nope" }.InOrder(Catalog.Agents).Select(a => a.Name));
}
