using System.Text.Json;
using ChatAgent.Core.Agents;
using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Storage.InMemory;
using ChatAgent.Core.Threads;
using ChatAgent.Core.Tools;
using ChatAgent.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ChatAgent.Core.Tests.Runtime;

/// <summary>
/// The loop's parts on their own: the durable writer (<see cref="StepWriter"/>), the approval gate's ladder and the
/// step executor's handling of a runner that fails to run at all.
/// </summary>
public sealed class StepPartsTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private readonly InMemoryEventStore _store = new();
    private readonly FakeTimeProvider _time = new(At);

    private async Task<ThreadState> StartAsync(string id = "th_parts")
    {
        var started = new ThreadStarted("deploy", "api to staging", new Dictionary<string, string>(), new Origin("web"), 8);
        var stored = await _store.AppendAsync(id, 0, [new NewEvent(started, Actor.User("web:alice"), At)], ThreadSummary.From(ThreadReducer.Replay([new StoredEvent(id, 1, At, Actor.User("web:alice"), started)])), null);
        return ThreadReducer.Replay(stored);
    }

    private Task AppendAsync(ThreadState state, ThreadEvent e) =>
        _store.AppendAsync(state.Id, state.Version, [new NewEvent(e, Actor.System, At)], ThreadSummary.From(state), null);

    [Fact]
    public async Task Writer_AppendsAtTheVersionItRead_AndKeepsTheStateItWrote()
    {
        var writer = new StepWriter(_store, _time, await StartAsync(), AgentMessages.All);

        await writer.AppendAsync(CancellationToken.None, (new UserInput("more"), Actor.User("web:alice")), StepEvents.Status(writer.State, "thinking"));

        Assert.Equal(3, writer.State.Version);
        Assert.True(writer.QueuedMessages);
        Assert.Equal(["thread_started", "user_input", "message_queued"], (await _store.ReadAsync("th_parts")).Select(e => e.Data.Type));
    }

    [Fact]
    public async Task Writer_StopsWhenAPauseLandedMeanwhile_EvenBesideADeliveryReceipt()
    {
        var state = await StartAsync();
        var writer = new StepWriter(_store, _time, state, AgentMessages.All);
        await AppendAsync(state, new MessagePosted("status", "web", "ref-1", 1));
        await _store.AppendAsync(state.Id, 2, [new NewEvent(new ThreadPaused(PauseReasons.Manual, "Paused by bob", false), Actor.User("web:bob"), At)], ThreadSummary.From(state), null);

        await Assert.ThrowsAsync<ConcurrencyException>(() => writer.AppendAsync(CancellationToken.None, (new UserInput("more"), Actor.User("web:alice"))));

        Assert.Equal(["thread_started", "message_posted", "thread_paused"], (await _store.ReadAsync("th_parts")).Select(e => e.Data.Type));
    }

    [Fact]
    public async Task Writer_AppendsAfterDeliveryReceipts_ThatLandedMeanwhile()
    {
        var state = await StartAsync();
        var writer = new StepWriter(_store, _time, state, AgentMessages.All);
        await AppendAsync(state, new MessagePosted("status", "web", "ref-1", 1));

        await writer.AppendAsync(CancellationToken.None, (new UserInput("more"), Actor.User("web:alice")));

        Assert.Equal(["thread_started", "message_posted", "user_input"], (await _store.ReadAsync("th_parts")).Select(e => e.Data.Type));
        Assert.Equal(3, writer.State.Version);
    }

    [Fact]
    public async Task Writer_StagedEvents_AreSeenAtOnce_AndCommitWithTheNextAppend_AfterReceiptsThatLandedMeanwhile()
    {
        var state = await StartAsync();
        var writer = new StepWriter(_store, _time, state, AgentMessages.All);

        writer.Stage((new UserInput("staged"), Actor.User("web:alice")));

        Assert.Equal(2, writer.State.Version);
        Assert.Single(await _store.ReadAsync("th_parts"));
        await AppendAsync(state, new MessagePosted("status", "web", "ref-1", 1));

        await writer.AppendAsync(CancellationToken.None, (new UserInput("more"), Actor.User("web:alice")));

        Assert.Equal(["thread_started", "message_posted", "user_input", "user_input"], (await _store.ReadAsync("th_parts")).Select(e => e.Data.Type));
        Assert.Equal(["staged", "more"], (await _store.ReadAsync("th_parts")).Select(e => e.Data).OfType<UserInput>().Select(u => u.Text));
        Assert.Equal(4, writer.State.Version);
    }

    [Fact]
    public async Task Writer_StopsOnAnyOtherConcurrentEvent()
    {
        var state = await StartAsync();
        var writer = new StepWriter(_store, _time, state, AgentMessages.All);
        await AppendAsync(state, new ThreadPaused(PauseReasons.Manual, "by bob", Escalated: false));

        await Assert.ThrowsAsync<ConcurrencyException>(() => writer.AppendAsync(CancellationToken.None, (new UserInput("more"), Actor.User("web:alice"))));

        Assert.Equal(["thread_started", "thread_paused"], (await _store.ReadAsync("th_parts")).Select(e => e.Data.Type));
    }

    [Fact]
    public async Task Writer_DropsTheMessagesTheAgentDoesNotPost()
    {
        var writer = new StepWriter(_store, _time, await StartAsync(), new AgentMessages(Status: false, Final: false));

        await writer.AppendAsync(CancellationToken.None, StepEvents.Status(writer.State, "thinking"), StepEvents.Final(writer.State, "done"), (new ThreadCompleted("done"), Actor.Agent));

        Assert.Equal(["thread_started", "thread_completed"], (await _store.ReadAsync("th_parts")).Select(e => e.Data.Type));
        Assert.False(writer.QueuedMessages);
    }

    [Fact]
    public async Task Writer_TheThirdErrorInARow_PausesAndPostsTheStuckCard()
    {
        var writer = new StepWriter(_store, _time, await StartAsync(), AgentMessages.All);
        for (var i = 1; i <= 3; i++)
            await writer.AppendErrorAsync([], new ErrorOccurred($"boom {i}", null, "tool", $"tc_{i}", "run_tests"), CancellationToken.None);

        var paused = Assert.Single((await _store.ReadAsync("th_parts")).Select(e => e.Data).OfType<ThreadPaused>());
        Assert.Equal((PauseReasons.ConsecutiveErrors, "3 errors in a row; the last: boom 3", true), (paused.Reason, paused.Detail, paused.Escalated));
        Assert.Equal(ThreadStatus.Paused, writer.State.Status);
        Assert.Equal("Stuck: 3 errors in a row; the last: boom 3", writer.State.Messages[MessageKeys.Stuck].Text);
    }

    [Theory]
    [InlineData(10, 20, 30, new[] { 10, 20, 30 })]
    [InlineData(40, 50, 30, new[] { 30 })]
    [InlineData(10, 30, 30, new[] { 10, 30 })]
    public void Gate_SchedulesTheReminder_TheEscalation_AndTheExpiry_InThatOrder(int remind, int escalate, int expires, int[] expected)
    {
        var policy = new ApprovalPolicy(["group:deployers"], RemindAfter: TimeSpan.FromMinutes(remind), EscalateAfter: TimeSpan.FromMinutes(escalate));

        var times = ApprovalGate.LadderTimes(policy, At, At.AddMinutes(expires));

        Assert.Equal(expected.Select(m => At.AddMinutes(m)), times);
    }

    [Fact]
    public async Task Executor_ARunnerThatThrows_IsAFailedCall_WithTheExceptionNamed()
    {
        var catalog = AgentCatalog.Load(RepositoryPaths.Agents);
        var tool = catalog.FindTool("run_tests")!;
        var runners = new Dictionary<string, IToolRunner>(StringComparer.OrdinalIgnoreCase) { [tool.Runner.Type] = new Throwing(tool.Runner.Type) };
        var executor = new StepExecutor(catalog, runners, new ToolCheckRunner(catalog, runners), NullLogger.Instance);
        var writer = new StepWriter(_store, _time, await StartAsync(), AgentMessages.All);

        await executor.ExecuteAsync(writer, tool, "tc_1", JsonDocument.Parse("""{"service":"api"}""").RootElement, CancellationToken.None);

        var error = Assert.Single((await _store.ReadAsync("th_parts")).Select(e => e.Data).OfType<ErrorOccurred>());
        Assert.Equal(("run_tests threw InvalidOperationException", "disk on fire", "tool", "tc_1"), (error.Message, error.Detail, error.Source, error.ToolCallId));
    }

    private sealed class Throwing(string type) : IToolRunner
    {
        public string Type => type;

        public Task<ToolOutcome> RunAsync(ToolInvocation invocation, CancellationToken cancellationToken) => throw new InvalidOperationException("disk on fire");
    }
}
