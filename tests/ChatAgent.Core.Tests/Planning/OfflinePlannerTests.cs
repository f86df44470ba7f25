using ChatAgent.Core.Agents;
using ChatAgent.Core.Events;
using ChatAgent.Core.Planning;
using ChatAgent.Core.Tests.Events;
using ChatAgent.Core.Tools;
using ChatAgent.TestSupport;

namespace ChatAgent.Core.Tests.Planning;

/// <summary>The offline planner over the shipped deploy agent's plan: given a history, the next call.</summary>
public sealed class OfflinePlannerTests
{
    private static readonly Lazy<AgentCatalog> Shipped = new(() => AgentCatalog.Load(RepositoryPaths.Agents));
    private static readonly Actor Alice = Actor.User("slack:U1", "Alice");
    private static readonly Actor Bob = Actor.User("slack:U2", "Bob");

    private static EventStream Deploy(string env) => new EventStream("t-offline-" + env)
        .Add(new ThreadStarted("deploy", $"api to {env}", new Dictionary<string, string> { ["service"] = "api", ["env"] = env }, new Origin("slack", "C1"), 8), Alice)
        .Add(new UserInput($"api to {env}"), Alice);

    private static EventStream Ran(EventStream s, string callId, string tool, string resultJson) => s
        .Add(new ModelDecision(callId, "offline", "h", "{}", tool))
        .Add(new ToolCalled(callId, tool, EventSamples.Json("{}"), ToolKind.Immediate, "h"))
        .Add(new ToolReturned(callId, tool, EventSamples.Json(resultJson)), Actor.System);

    private static EventStream Tested(EventStream s) => Ran(s, "c1", "run_tests", """{"passed":true,"version":"1.4.2"}""");

    private static PlannerDecision Decide(EventStream s)
    {
        var catalog = Shipped.Value;
        var agent = catalog.FindAgent("deploy")!;
        var tools = agent.Tools.Select(catalog.FindTool).OfType<ToolDefinition>().ToList();
        return new OfflinePlanner().DecideAsync(new PlanningContext(agent, s.State, s.Events, tools), CancellationToken.None).Result;
    }

    private static void AssertCall(PlannerDecision d, string tool, string parametersJson)
    {
        Assert.Null(d.Error);
        Assert.Equal(tool, d.Tool);
        Assert.Equal(parametersJson, CanonicalJson.Serialize(d.Parameters!.Value));
    }

    [Fact]
    public void FreshThread_StartsWithTheFirstPlanStep_FilledFromTheArguments()
    {
        var d = Decide(Deploy("production"));

        AssertCall(d, "run_tests", """{"service":"api"}""");
        Assert.Equal("Never deploy an untested build.", d.Reason);
        Assert.Contains("\"tool\":\"run_tests\"", d.RawOutput);
    }

    [Fact]
    public void NextStep_UsesEarlierResults() =>
        AssertCall(Decide(Tested(Deploy("production"))), "deploy_to_staging", """{"service":"api","version":"1.4.2"}""");

    [Fact]
    public void StepWhoseWhenDoesNotHold_IsSkipped()
    {
        var staged = Ran(Tested(Deploy("staging")), "c2", "deploy_to_staging", """{"deployed":true}""");

        AssertCall(Decide(staged), "done", """{"result":{"env":"staging","service":"api","version":"1.4.2"},"summary":"Deployed api 1.4.2 to staging."}""");
    }

    [Fact]
    public void StepWhoseWhenHolds_IsProposed()
    {
        var staged = Ran(Tested(Deploy("production")), "c2", "deploy_to_staging", """{"deployed":true}""");

        AssertCall(Decide(staged), "deploy_to_production", """{"service":"api","version":"1.4.2"}""");
    }

    [Fact]
    public void AfterADenial_StopsAndReportsWhoDeniedAndWhy()
    {
        var staged = Ran(Tested(Deploy("production")), "c2", "deploy_to_staging", """{"deployed":true}""")
            .Add(new ModelDecision("c3", "offline", "h", "{}", "deploy_to_production"));
        staged.Add(new ApprovalRequested("a1", "c3", "deploy_to_production", EventSamples.Json("{}"), "h", null, Alice.Id,
                ApprovalPolicy.Default, staged.Now.AddHours(1)))
            .Add(new ApprovalDecided("a1", false, "not on a Friday", "h"), Bob);

        AssertCall(Decide(staged), "done", """{"summary":"Stopped: deploy_to_production was denied by Bob: not on a Friday"}""");
    }

    [Fact]
    public void AfterAnError_ProposesTheSameStepAgain()
    {
        var failed = Tested(Deploy("production"))
            .Add(new ModelDecision("c2", "offline", "h", "{}", "deploy_to_staging"))
            .Add(new ToolCalled("c2", "deploy_to_staging", EventSamples.Json("{}"), ToolKind.Immediate, "h"))
            .Add(new ErrorOccurred("deploy_to_staging exited with code 2", "staging is busy", "tool", "c2", "deploy_to_staging"), Actor.System);

        AssertCall(Decide(failed), "deploy_to_staging", """{"service":"api","version":"1.4.2"}""");
    }

    [Fact]
    public void StepThatCannotBeFilledIn_IsAnError_NotAGuess()
    {
        var untested = Ran(Deploy("production"), "c1", "run_tests", """{"passed":false}""");

        var d = Decide(untested);

        Assert.Null(d.Tool);
        Assert.StartsWith("Plan step 'deploy_to_staging' cannot be filled in", d.Error);
    }
}
