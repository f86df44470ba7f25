using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Threads;

namespace ChatAgent.Core.Tests.Runtime;

public sealed class ThreadServiceLaunchTests : IDisposable
{
    private readonly CoreHarness _h = new();

    public void Dispose() => _h.Dispose();

    private Task<CommandResult> LaunchAsync(string agent, string input, string? deliveryKey = null) =>
        _h.Service.LaunchAsync(new LaunchCommand(agent, input, new Origin("slack", "C1", "1700000000.0001"), Actor.User("slack:U1", "alice"), deliveryKey));

    [Fact]
    public async Task Launch_AppendsTheStart_AndSchedulesOneRun_WhichDeliversTheStartedMessage()
    {
        var result = await LaunchAsync("deploy", "api to production");

        Assert.True(result.Accepted, result.Message);
        var state = result.State!;
        Assert.Equal(ThreadStatus.Running, state.Status);
        Assert.Equal("production", state.Arguments["env"]);
        Assert.Equal("slack:U1", state.RequestedBy);
        Assert.Equal(new Origin("slack", "C1", "1700000000.0001"), state.Origin);
        Assert.Equal(StateJson(state), StateJson((await _h.Service.GetStateAsync(state.Id))!));
        Assert.Equal([state.Id], _h.Scheduler.Runs);
        Assert.Empty(_h.Scheduler.Deliveries);
        Assert.False(state.Messages[MessageKeys.Status].IsDelivered);

        await _h.Loop.RunAsync(state.Id);
        Assert.Equal([state.Id], _h.Scheduler.Deliveries);
    }

    [Fact]
    public async Task Launch_OnAUsedDeliveryKey_ReturnsTheFirstThread_AndAppendsNothing()
    {
        var first = await LaunchAsync("deploy", "api to production", deliveryKey: "slack:Ev0001");
        var events = await _h.EventsAsync(first.State!.Id);

        var repeat = await LaunchAsync("deploy", "api to production", deliveryKey: "slack:Ev0001");

        Assert.True(repeat.Accepted);
        Assert.True(repeat.Duplicate);
        Assert.Equal(first.State.Id, repeat.State!.Id);
        Assert.Equal(events.Count, (await _h.EventsAsync(first.State.Id)).Count);
        Assert.Single(await _h.Store.ListAsync(new ThreadQuery()));
        Assert.Single(_h.Scheduler.Runs);
    }

    [Theory]
    [InlineData("")]
    [InlineData("api production")]
    [InlineData("api to")]
    public async Task Launch_WithArgumentsThatDontFit_AnswersWithTheUsage_AndStartsNothing(string input)
    {
        var result = await LaunchAsync("deploy", input);

        Assert.False(result.Accepted);
        Assert.Equal(RejectionCodes.Usage, result.Code);
        Assert.Equal("Usage: deploy <service> to [env=staging]", result.Message);
        Assert.Empty(await _h.Store.ListAsync(new ThreadQuery()));
        Assert.Empty(_h.Scheduler.Runs);
    }

    [Fact]
    public async Task Launch_WithoutArguments_RunsWithTheAgentsDefaultInput()
    {
        var result = await LaunchAsync("daily-summary", "  ");

        Assert.True(result.Accepted, result.Message);
        Assert.Equal("Summarize the last 24 hours.", result.State!.Input);
        Assert.Equal([result.State.Id], _h.Scheduler.Runs);
    }

    [Fact]
    public async Task DailySummary_PostsTheSummaryAsItsOnlyMessage_NoStatusLineAndNoFinalEcho()
    {
        await _h.LaunchAsync("deploy", "api to staging");
        var summary = (await LaunchAsync("daily-summary", "")).State!.Id;

        await _h.Loop.RunAsync(summary);

        var state = await _h.StateAsync(summary);
        Assert.Equal(ThreadStatus.Completed, state.Status);
        var queued = (await _h.EventsAsync(summary)).Select(e => e.Data).OfType<MessageQueued>().ToList();
        var only = Assert.Single(queued);
        Assert.Equal("notice", only.Kind);
        // The deploy launched before it is counted; the summary itself is not.
        Assert.StartsWith("Daily summary: 1 agent thread(s) in the last 24 h: 1 running. By agent: deploy 1.", only.Text);
    }

    [Fact]
    public async Task Launch_OfAnUnknownAgent_NamesTheAgentsThereAre()
    {
        var result = await LaunchAsync("rollback", "api");

        Assert.Equal(RejectionCodes.AgentUnknown, result.Code);
        Assert.Contains("daily-summary, deploy, incident", result.Message);
        Assert.Empty(await _h.Store.ListAsync(new ThreadQuery()));
    }

    private static string StateJson(ThreadState state) => TestSupport.StateJson.Of(state);
}
