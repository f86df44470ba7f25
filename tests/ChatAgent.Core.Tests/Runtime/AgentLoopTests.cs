using System.Text.Json;
using ChatAgent.Core.Agents;
using ChatAgent.Core.Events;
using ChatAgent.Core.Planning;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Threads;
using ChatAgent.Core.Tools;
using ChatAgent.TestSupport;
using Microsoft.Extensions.AI;

namespace ChatAgent.Core.Tests.Runtime;

/// <summary>The loop's control flow (factor 8): what it records, its step budget, crash recovery and the approval binding.</summary>
public sealed class AgentLoopTests : IDisposable
{
    private readonly ScriptedChatClient _model = new();
    private readonly CoreHarness _h;

    public AgentLoopTests() => _h = new CoreHarness(planner: new ChatClientPlanner(_model, "openai:test"));

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task ModelDecision_CarriesTheRawOutput_AndTheHashOfTheAgentsPromptFile()
    {
        _model.Then(new TextContent("Tests first."), new FunctionCallContent("call_9", "run_tests", new Dictionary<string, object?> { ["service"] = "api" }));
        _model.ThenCall("done", new { summary = "Tested." });
        var id = await _h.LaunchAsync("deploy", "api");

        await _h.Loop.RunAsync(id);

        var decision = (await _h.EventsAsync(id)).Select(e => e.Data).OfType<ModelDecision>().First();
        var promptFile = File.ReadAllText(Path.Combine(RepositoryPaths.Agents, "prompts", "deploy.md"));
        Assert.Equal(PromptTemplate.ComputeHash(promptFile), decision.PromptHash);
        Assert.Equal(_h.Catalog.FindAgent("deploy")!.Prompt.Hash, decision.PromptHash);
        Assert.Equal("openai:test", decision.Planner);
        Assert.Equal("run_tests", decision.Tool);
        Assert.Equal("Tests first.", decision.Reason);
        Assert.Equal("""[{"text":"Tests first."},{"tool_call":"run_tests","arguments":{"service":"api"},"error":null}]""", decision.RawOutput);
        // The model was offered exactly the agent's tools and had to pick one.
        var options = _model.Options[0]!;
        Assert.Equal(ChatToolMode.RequireAny, options.ToolMode);
        Assert.Equal(["run_tests", "deploy_to_staging", "deploy_to_production", "post_message", "ask_human", "done"], options.Tools!.Select(t => t.Name));
        Assert.Equal(ChatRole.System, _model.Calls[0][0].Role);
        Assert.Contains("You are deploy:", _model.Calls[0][0].Text);
    }

    [Fact]
    public async Task StepBudgetExhausted_EscalatesWithStepBudget_WithoutAskingTheModelAgain()
    {
        var agent = _h.Catalog.FindAgent("deploy")!;
        _model.Repeat(agent.MaxSteps, m => m.ThenCall("post_message", new { text = "still thinking" }));
        var id = await _h.LaunchAsync("deploy", "api");

        var state = await _h.Loop.RunAsync(id);

        Assert.Equal(agent.MaxSteps, _model.Calls.Count);
        Assert.Equal(ThreadStatus.Paused, state.Status);
        Assert.Equal(PauseReasons.StepBudget, state.PausedReason);
        Assert.True(state.Escalated);
        Assert.Equal(agent.MaxSteps, state.Step);
        Assert.Contains("all 8 steps", state.Messages[MessageKeys.Stuck].Text);
    }

    [Fact]
    public async Task ToolCallWithoutResult_OnLoad_IsRunAgain_WhenIdempotent_WithTheSameToolCallId()
    {
        var id = await _h.LaunchAsync("deploy", "api");
        var parameters = JsonSerializer.SerializeToElement(new { service = "api" });
        await _h.SeedAsync(id,
            (new ModelDecision("tc_crashed", "offline", "h", "{}", "run_tests"), Actor.Agent),
            (new ToolCalled("tc_crashed", "run_tests", parameters, ToolKind.Immediate, ToolCallHash.Compute("run_tests", parameters)), Actor.Agent));
        _model.ThenCall("done", new { summary = "Tested." });

        var state = await _h.Loop.RunAsync(id);

        var events = (await _h.EventsAsync(id)).Select(e => e.Data).ToList();
        var rerun = events.OfType<ToolCalled>().Where(c => c.ToolCallId == "tc_crashed").ToList();
        Assert.Equal([1, 2], rerun.Select(c => c.Attempt));
        Assert.Single(events.OfType<ToolReturned>(), r => r.ToolCallId == "tc_crashed");
        Assert.Single(_h.ReleaseLines(), l => l.EndsWith(" call=tc_crashed", StringComparison.Ordinal));
        Assert.Equal(ThreadStatus.Completed, state.Status);
    }

    [Fact]
    public async Task ToolCallWithoutResult_OnLoad_IsNotRunAgain_WhenNotIdempotent_AndEscalatesOutcomeUnknown()
    {
        var id = await _h.LaunchAsync("deploy", "api");
        var parameters = JsonSerializer.SerializeToElement(new { service = "api", version = "1.4.2" });
        await _h.SeedAsync(id,
            (new ModelDecision("tc_crashed", "offline", "h", "{}", "deploy_to_staging"), Actor.Agent),
            (new ToolCalled("tc_crashed", "deploy_to_staging", parameters, ToolKind.Immediate, ToolCallHash.Compute("deploy_to_staging", parameters)), Actor.Agent));

        var state = await _h.Loop.RunAsync(id);

        Assert.Equal(ThreadStatus.Paused, state.Status);
        Assert.Equal(PauseReasons.OutcomeUnknown, state.PausedReason);
        Assert.True(state.Escalated);
        Assert.Contains("deploy_to_staging (tc_crashed)", state.Messages[MessageKeys.Stuck].Text);
        Assert.Single((await _h.EventsAsync(id)).Select(e => e.Data).OfType<ToolCalled>());
        Assert.Empty(_h.ReleaseLines());
        Assert.Empty(_model.Calls);
    }

    [Fact]
    public async Task GrantedApproval_WhoseParametersNoLongerHashTheSame_IsNeverRun()
    {
        var id = await _h.LaunchAsync("deploy", "api to production");
        var asked = JsonSerializer.SerializeToElement(new { service = "api", version = "1.4.2" });
        var tampered = JsonSerializer.SerializeToElement(new { service = "api", version = "6.6.6" });
        var approvedHash = ToolCallHash.Compute("deploy_to_production", asked);
        var policy = _h.Catalog.FindTool("deploy_to_production")!.Approval!;
        await _h.SeedAsync(id,
            (new ModelDecision("tc_prod", "offline", "h", "{}", "deploy_to_production"), Actor.Agent),
            (new ApprovalRequested("ap_prod", "tc_prod", "deploy_to_production", tampered, approvedHash, null, "web:alice", policy, _h.Time.GetUtcNow().AddHours(1)), Actor.Agent),
            (new ApprovalDecided("ap_prod", true, null, approvedHash), CoreHarness.User("bob")));
        Assert.Equal("tc_prod", (await _h.StateAsync(id)).ReadyToRun?.ToolCallId);
        _model.ThenCall("done", new { summary = "Production was not deployed: the approval did not match." });

        var state = await _h.Loop.RunAsync(id);

        var events = (await _h.EventsAsync(id)).Select(e => e.Data).ToList();
        Assert.DoesNotContain(events, e => e is ToolCalled { Tool: "deploy_to_production" });
        Assert.Empty(_h.ReleaseLines());
        // Refused once, and settled: the model hears about it instead of the loop retrying the same call.
        var refused = Assert.Single(events.OfType<ErrorOccurred>());
        Assert.Equal("tc_prod", refused.ToolCallId);
        Assert.Contains("no longer matches", refused.Message);
        Assert.Contains("no longer matches", Assert.Single(_model.Calls.Select((_, i) => _model.ContextOf(i))));
        Assert.Equal(ThreadStatus.Completed, state.Status);
    }

    [Fact]
    public async Task GrantedApproval_ThatStillMatches_RunsOnce_AsTheApprovedCall()
    {
        var id = await _h.LaunchAsync("deploy", "api to production");
        var asked = JsonSerializer.SerializeToElement(new { service = "api", version = "1.4.2" });
        var hash = ToolCallHash.Compute("deploy_to_production", asked);
        var policy = _h.Catalog.FindTool("deploy_to_production")!.Approval!;
        await _h.SeedAsync(id,
            (new ModelDecision("tc_prod", "offline", "h", "{}", "deploy_to_production"), Actor.Agent),
            (new ApprovalRequested("ap_prod", "tc_prod", "deploy_to_production", asked, hash, null, "web:alice", policy, _h.Time.GetUtcNow().AddHours(1)), Actor.Agent),
            (new ApprovalDecided("ap_prod", true, null, hash), CoreHarness.User("bob")));
        _model.ThenCall("done", new { summary = "Deployed." });

        var state = await _h.Loop.RunAsync(id);

        var call = Assert.Single((await _h.EventsAsync(id)).Select(e => e.Data).OfType<ToolCalled>(), c => c.Tool == "deploy_to_production");
        Assert.Equal(("tc_prod", hash), (call.ToolCallId, call.ParametersHash));
        Assert.Single(_h.ReleaseLines(), l => l.EndsWith(" call=tc_prod", StringComparison.Ordinal));
        Assert.Equal(ThreadStatus.Completed, state.Status);
    }
}
