using System.Text.Json;
using ChatAgent.Core.Events;
using ChatAgent.Core.Planning;
using ChatAgent.Core.Tests.Runtime;
using ChatAgent.Core.Tools;
using ChatAgent.TestSupport;
using Microsoft.Extensions.AI;

namespace ChatAgent.Core.Tests.Planning;

/// <summary>What the model is sent and how its answer is read; the loop-level error handling is in AgentLoopErrorTests.</summary>
public sealed class ChatClientPlannerTests
{
    private readonly ScriptedChatClient _model = new();

    private static PlanningContext Context()
    {
        var s = new EventStream("t-chat-planner")
            .Add(new ThreadStarted("deploy", "api to production", new Dictionary<string, string> { ["service"] = "api", ["env"] = "production" }, new Origin("web"), 8),
                Actor.User("web:alice"))
            .Add(new UserInput("api to production"), Actor.User("web:alice"));
        var agent = TestDefinitions.Agent(promptText: "You are {{agent.name}}. Request: {{input}}");
        return new PlanningContext(agent, s.State, s.Events, TestDefinitions.DeployTools);
    }

    [Fact]
    public async Task SendsTheRenderedPrompt_TheContext_AndTheToolDeclarations_RequiringOneCall()
    {
        _model.ThenCall("run_tests", new { service = "api" });

        var decision = await new ChatClientPlanner(_model, "openai:test").DecideAsync(Context(), CancellationToken.None);

        var messages = Assert.Single(_model.Calls);
        Assert.Equal([ChatRole.System, ChatRole.User], messages.Select(m => m.Role));
        Assert.Equal("You are deploy. Request: api to production", messages[0].Text);
        Assert.StartsWith("<thread id=\"t-chat-planner\" agent=\"deploy\"", messages[1].Text);
        var options = _model.Options[0]!;
        Assert.Equal(ChatToolMode.RequireAny, options.ToolMode);
        Assert.False(options.AllowMultipleToolCalls);
        var declared = options.Tools!.OfType<AIFunctionDeclaration>().ToList();
        Assert.Equal(TestDefinitions.DeployTools.Select(t => t.Name), declared.Select(t => t.Name));
        Assert.Equal(JsonDocument.Parse(TestDefinitions.DeployTools[0].ParametersSchema).RootElement.GetRawText(), declared[0].JsonSchema.GetRawText());

        Assert.Equal("run_tests", decision.Tool);
        Assert.Equal("""{"service":"api"}""", CanonicalJson.Serialize(decision.Parameters!.Value));
        Assert.Null(decision.Error);
    }

    [Fact]
    public async Task Cancellation_IsNotAModelError()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        _model.ThenThrow(new OperationCanceledException(cancelled.Token));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new ChatClientPlanner(_model, "openai:test").DecideAsync(Context(), cancelled.Token));
    }

    [Fact]
    public async Task ATimeoutInsideTheClient_IsAModelError()
    {
        _model.ThenThrow(new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout of 100 seconds elapsing."));

        var decision = await new ChatClientPlanner(_model, "openai:test").DecideAsync(Context(), CancellationToken.None);

        Assert.Equal("The model call failed (TaskCanceledException).", decision.Error);
        Assert.Contains("HttpClient.Timeout", decision.ErrorDetail);
    }
}
