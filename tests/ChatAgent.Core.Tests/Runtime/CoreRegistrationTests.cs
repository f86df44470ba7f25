using ChatAgent.Core.Approvals;
using ChatAgent.Core.Audit;
using ChatAgent.Core.Chat;
using ChatAgent.Core.Planning;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Tools;
using ChatAgent.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatAgent.Core.Tests.Runtime;

/// <summary>What <c>AddChatAgentCore</c> gives a host: every part it promises, resolvable, one of each, and the defaults.</summary>
public sealed class CoreRegistrationTests
{
    [Fact]
    public void TheCore_ResolvesEveryPart_AsOneSharedInstance_WithTheSystemClockAndTheOfflinePlanner()
    {
        using var data = new TempDirectory();
        var services = new ServiceCollection();
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddChatAgentStorage(null);
        services.AddChatAgentTools(o => { o.Path = RepositoryPaths.Agents; o.DataDir = data.Path; o.WorkflowsPath = RepositoryPaths.Workflows; });
        services.AddSingleton<IThreadScheduler>(new RecordingScheduler());
        services.AddChatAgentCore();
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Type[] parts =
        [
            typeof(ThreadService), typeof(AgentLoop), typeof(WorkflowLoop), typeof(ThreadCache), typeof(ChatCommandParser), typeof(ChatCommandRunner),
            typeof(PeopleDirectory), typeof(ApproverDirectory), typeof(AuditTrail), typeof(AuditVerification), typeof(IIdGenerator), typeof(IPlanner),
        ];
        foreach (var part in parts) Assert.Same(provider.GetRequiredService(part), provider.GetRequiredService(part));
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
        Assert.IsType<OfflinePlanner>(provider.GetRequiredService<IPlanner>());
        Assert.IsType<RandomIdGenerator>(provider.GetRequiredService<IIdGenerator>());
    }

    [Fact]
    public void AHostsOwnClockAndPlanner_AreKept()
    {
        var services = new ServiceCollection();
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var planner = new ChatClientPlanner(new ScriptedChatClient(), "openai:test");
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton<IPlanner>(planner);
        services.AddChatAgentCore();
        using var provider = services.BuildServiceProvider();

        Assert.Same(clock, provider.GetRequiredService<TimeProvider>());
        Assert.Same(planner, provider.GetRequiredService<IPlanner>());
    }
}
