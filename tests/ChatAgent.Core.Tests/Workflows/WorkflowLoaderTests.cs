using ChatAgent.Core.Agents;
using ChatAgent.Core.Tools;
using ChatAgent.Core.Workflows;
using ChatAgent.TestSupport;

namespace ChatAgent.Core.Tests.Workflows;

public sealed class WorkflowLoaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ShippedWorkflows_LoadAsLaunchableAgents_WithTheirTriggers()
    {
        var catalog = WorkflowLoader.Load(AgentCatalog.Load(RepositoryPaths.Agents), RepositoryPaths.Workflows);

        var release = catalog.FindAgent("release")!;
        Assert.NotNull(release.Workflow);
        Assert.Equal(["release"], release.Triggers.Slash);
        Assert.Equal(["staging", "staged", "test", "gate", "production", "notify", "shipped", "released", "not_released", "tests_failed", "staging_failed"],
            release.Workflow!.Steps.Select(s => s.Id));
        var campaign = catalog.FindAgent("email-campaign")!.Workflow!;
        Assert.Equal(["audience", "content", "delivery", "report"], campaign.AgentSteps.Select(s => s.Id));
        Assert.All(campaign.AgentSteps, s => Assert.True(catalog.FindAgent(s.Agent!)!.Plan.Count <= 10));
    }

    [Fact]
    public void BadWorkflow_IsRefused_WithFileLineAndWhatIsWrong()
    {
        _dir.Write("bad.yaml", """
            name: bad
            description: Broken on purpose.
            command: "{service}"
            steps:
              - id: first
                agent: nobody
                input: "{{args.region}}"
              - id: decide
                branch:
                  - when: {"{{steps.later.outcome}}": completed}
                    goto: first
              - id: first
                finish: {summary: done, outcome: maybe}
            """);

        var error = Assert.Throws<AgentConfigurationException>(() => WorkflowLoader.Load(AgentCatalog.Load(RepositoryPaths.Agents), _dir.Path));

        Assert.Contains("bad.yaml:6: unknown agent 'nobody'", error.Message);
        Assert.Contains("bad.yaml:12: duplicate step id 'first'", error.Message);
        Assert.Contains("finish outcome must be completed or failed, not 'maybe'", error.Message);
        Assert.Contains("jumps back to 'first'", error.Message);
        Assert.Contains("'{{args.region}}' names no argument", error.Message);
        Assert.Contains("'{{steps.later.outcome}}' must read an earlier step", error.Message);
    }

    [Fact]
    public void Workflow_CannotTakeAnAgentsName()
    {
        _dir.Write("deploy.yaml", """
            name: deploy
            description: Clashes with the deploy agent.
            steps:
              - id: only
                finish: {summary: nothing}
            """);

        var error = Assert.Throws<AgentConfigurationException>(() => WorkflowLoader.Load(AgentCatalog.Load(RepositoryPaths.Agents), _dir.Path));

        Assert.Contains("workflow name 'deploy' is already used", error.Message);
    }

    [Fact]
    public void ToolChecks_AreValidated_WithFileAndLine()
    {
        using var agents = new TempDirectory();
        agents.Write("scripts/x.sh", "echo '{}'\n");
        agents.Write("tools.yaml", """
            tools:
              x:
                description: X.
                kind: immediate
                runner: {shell: scripts/x.sh}
                preconditions:
                  - {result: ok, equals: true}
                verify:
                  - {expect: {ok: true}}
            """);

        var error = Assert.Throws<AgentConfigurationException>(() => AgentCatalog.Load(agents.Path));

        Assert.Contains("tools.yaml:7: tool 'x': a precondition cannot assert on the result", error.Message);
        Assert.Contains("tools.yaml:9: tool 'x': a check needs 'tool'", error.Message);

        agents.Write("tools.yaml", """
            tools:
              x:
                description: X.
                kind: immediate
                runner: {shell: scripts/x.sh}
                preconditions: {tool: missing_tool}
                verify: {tool: done}
            """);
        error = Assert.Throws<AgentConfigurationException>(() => AgentCatalog.Load(agents.Path));
        Assert.Contains("tools.yaml:3: tool 'x': check tool 'missing_tool' is not defined", error.Message);
        Assert.Contains("tools.yaml:3: tool 'x': check tool 'done' must be immediate", error.Message);
    }

    [Fact]
    public void ShippedDeployTools_DeclareTheirChecks()
    {
        var catalog = AgentCatalog.Load(RepositoryPaths.Agents);

        var production = catalog.FindTool("deploy_to_production")!;
        Assert.Equal("health_check", Assert.Single(production.Preconditions).Tool);
        Assert.Equal([null, "health_check"], production.Verify.Select(v => v.Tool));
        Assert.Equal("health_check", Assert.Single(catalog.FindTool("deploy_to_staging")!.Verify).Tool);
        Assert.Equal(ToolKind.Immediate, catalog.FindTool("health_check")!.Kind);
    }
}
