using System.Text.Json;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Tools;
using Moq;

namespace ChatAgent.Core.Tests.Tools;

public sealed class BuiltinToolRunnerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task PostMessage_ReturnsPostedText_TheLoopQueuesTheMessage()
    {
        var outcome = await RunAsync(BuiltinTools.PostMessage, """{"text":"Deployed api"}""", []);

        Assert.Equal("""{"posted":true,"text":"Deployed api"}""", outcome.Result.GetRawText());
    }

    [Fact]
    public async Task SummarizeThreads_CountsThreadsUpdatedInTheWindow_ByStatusAndAgent()
    {
        ThreadSummary[] threads =
        [
            Summary("t1", "deploy", "completed", Now.AddHours(-1)),
            Summary("t2", "deploy", "awaiting_human", Now.AddHours(-2)),
            Summary("t3", "incident", "completed", Now.AddHours(-5)),
            Summary("t4", "incident", "failed", Now.AddHours(-30)),
        ];

        var outcome = await RunAsync(BuiltinTools.SummarizeThreads, """{"since_hours":24}""", threads);

        Assert.True(outcome.Succeeded, outcome.Error);
        var r = outcome.Result;
        Assert.Equal(3, r.GetProperty("total").GetInt32());
        Assert.Equal("""{"awaiting_human":1,"completed":2}""", r.GetProperty("by_status").GetRawText());
        Assert.Equal("""{"deploy":2,"incident":1}""", r.GetProperty("by_agent").GetRawText());
        Assert.Equal("3 agent thread(s) in the last 24 h: 1 awaiting_human, 2 completed. By agent: deploy 2, incident 1.", r.GetProperty("text").GetString());
    }

    [Fact]
    public async Task SummarizeThreads_LeavesOutTheSummarizingAgentsOwnThreads()
    {
        ThreadSummary[] threads =
        [
            Summary("t1", "deploy", "completed", Now.AddHours(-1)),
            Summary("t2", "daily-summary", "completed", Now.AddHours(-23)),
            Summary("t3", "daily-summary", "running", Now),
        ];

        var outcome = await RunAsync(BuiltinTools.SummarizeThreads, """{"since_hours":24}""", threads, callingAgent: "daily-summary");

        Assert.Equal("1 agent thread(s) in the last 24 h: 1 completed. By agent: deploy 1.", outcome.Result.GetProperty("text").GetString());
        Assert.Equal(1, outcome.Result.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task SummarizeThreads_SaysSoWhenNothingHappened()
    {
        var outcome = await RunAsync(BuiltinTools.SummarizeThreads, "{}", []);

        Assert.Equal("No agent threads in the last 24 h.", outcome.Result.GetProperty("text").GetString());
    }

    [Theory]
    [InlineData(BuiltinTools.AskHuman)]
    [InlineData(BuiltinTools.RequestApproval)]
    [InlineData(BuiltinTools.Done)]
    public async Task LoopOwnedTools_AreRefused(string tool)
    {
        var outcome = await RunAsync(tool, "{}", []);

        Assert.False(outcome.Succeeded);
        Assert.Contains("handled by the agent loop", outcome.Error);
    }

    [Fact]
    public async Task PostMessage_WithoutText_PostsNothingButSaysPosted()
    {
        var outcome = await RunAsync(BuiltinTools.PostMessage, """{"channel":"C1"}""", []);

        Assert.Equal("""{"posted":true,"text":""}""", outcome.Result.GetRawText());
    }

    [Fact]
    public async Task SummarizeThreads_CountsFromExactlySinceHoursAgo_AndDefaultsTo24()
    {
        ThreadSummary[] threads =
        [
            Summary("t1", "deploy", "completed", Now.AddHours(-2)),
            Summary("t2", "deploy", "failed", Now.AddHours(-2).AddSeconds(-1)),
            Summary("t3", "incident", "failed", Now.AddHours(-24)),
        ];

        var two = await RunAsync(BuiltinTools.SummarizeThreads, """{"since_hours":2}""", threads);
        var byDefault = await RunAsync(BuiltinTools.SummarizeThreads, """{"since_hours":"two"}""", threads);

        Assert.Equal("1 agent thread(s) in the last 2 h: 1 completed. By agent: deploy 1.", two.Result.GetProperty("text").GetString());
        Assert.Equal(2, two.Result.GetProperty("since_hours").GetInt32());
        Assert.Equal(3, byDefault.Result.GetProperty("total").GetInt32());
        Assert.Equal(24, byDefault.Result.GetProperty("since_hours").GetInt32());
    }

    [Fact]
    public async Task SummarizeThreads_AsksTheStoreForUpTo1000Threads()
    {
        var store = new Mock<IEventStore>();
        store.Setup(s => s.ListAsync(It.IsAny<ThreadQuery>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);
        var runner = new BuiltinToolRunner(store.Object, new FixedTimeProvider(Now));

        await runner.RunAsync(new ToolInvocation(ThreadState.Empty, BuiltinTools.All[BuiltinTools.SummarizeThreads], "call-1", JsonDocument.Parse("{}").RootElement.Clone()), CancellationToken.None);

        store.Verify(s => s.ListAsync(new ThreadQuery(null, null, 1000), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task LoopOwnedTools_AreRefused_WithTheToolsName()
    {
        var outcome = await RunAsync(BuiltinTools.Done, "{}", []);

        Assert.Equal("'done' is handled by the agent loop, not run as a tool", outcome.Error);
    }

    [Fact]
    public async Task AnUnknownBuiltin_IsAFailure_NotAnException()
    {
        var store = new Mock<IEventStore>();
        var runner = new BuiltinToolRunner(store.Object, new FixedTimeProvider(Now));
        var tool = new ToolDefinition("launch_rockets", "no such built-in", ToolKind.Immediate, "{}", RunnerSpec.ForBuiltin("launch_rockets"));

        var outcome = await runner.RunAsync(new ToolInvocation(ThreadState.Empty, tool, "call-1", JsonDocument.Parse("{}").RootElement.Clone()), CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Equal("'launch_rockets' is not a built-in tool", outcome.Error);
        Assert.Equal(RunnerSpec.Builtin, runner.Type);
    }

    private static async Task<ToolOutcome> RunAsync(string tool, string parameters, ThreadSummary[] threads, string callingAgent = "summarizer")
    {
        var store = new Mock<IEventStore>();
        store.Setup(s => s.ListAsync(It.IsAny<ThreadQuery>(), It.IsAny<CancellationToken>())).ReturnsAsync(threads);
        var runner = new BuiltinToolRunner(store.Object, new FixedTimeProvider(Now));
        var caller = ThreadState.Empty with { Agent = callingAgent };
        var invocation = new ToolInvocation(caller, BuiltinTools.All[tool], "call-1", JsonDocument.Parse(parameters).RootElement.Clone());
        return await runner.RunAsync(invocation, CancellationToken.None);
    }

    private static ThreadSummary Summary(string id, string agent, string status, DateTimeOffset updated) =>
        new(id, agent, status, 1, 10, 3, "slack", "slack:U1", 0, updated.AddMinutes(-5), updated);
}
