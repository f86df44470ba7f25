using ChatAgent.Core.Events;
using ChatAgent.Core.Planning;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Threads;

namespace ChatAgent.Core.Tests.Runtime;

/// <summary>
/// What the loop tells people, step by step: the status line, the approval card, the question, the notices and the
/// final answer, as queued messages (key, kind, text), for the shipped deploy agent and for a scripted model.
/// </summary>
public sealed class LoopCardsTests
{
    private static IEnumerable<string> Story(IEnumerable<StoredEvent> events) =>
        events.Select(e => e.Data is MessageQueued m ? $"{m.MessageKey} | {m.Kind} | {m.Text} | {m.ApprovalId} | {m.RequestId}" : e.Data.Type);

    [Fact]
    public async Task ADeployToProduction_TellsItsStory_OnTheStatusLineTheApprovalCardAndTheFinalAnswer()
    {
        using var h = new CoreHarness();
        var id = await h.LaunchAsync("deploy", "api to production");
        var paused = await h.Loop.RunAsync(id);
        var ap = paused.PendingApprovals.Single().Id;
        Assert.True((await h.Service.DecideApprovalAsync(id, ap, true, CoreHarness.User("bob"), "ok")).Accepted);
        await h.Loop.RunAsync(id);

        string[] expected =
        [
            "thread_started", "user_input",
            "status | status | deploy: started by alice — \"api to production\" |  | ",
            "model_decision", "tool_call", "tool_result",
            "status | status | deploy · step 1/8 · run_tests ✓ |  | ",
            "model_decision", "tool_call", "check_passed", "tool_result",
            "status | status | deploy · step 2/8 · deploy_to_staging ✓ |  | ",
            "model_decision", "check_passed", "approval_requested",
            $"approval:{ap} | approval | Approval needed: deploy_to_production | {ap} | ",
            "status | status | deploy · step 2/8 · waiting for approval of deploy_to_production |  | ",
            "approval_decided",
            $"approval:{ap} | approval | Approved by bob: deploy_to_production | {ap} | ",
            "tool_call", "check_passed", "check_passed", "tool_result",
            "status | status | deploy · step 3/8 · deploy_to_production ✓ |  | ",
            $"approval:{ap} | approval | deploy_to_production ran and verified | {ap} | ",
            "model_decision", "tool_call", "thread_completed",
            "status | status | deploy · step 3/8 · completed |  | ",
            "final | final | Deployed api 1.4.2 to production. |  | ",
        ];
        Assert.Equal(expected, Story(await h.EventsAsync(id)));
        var ids = (await h.EventsAsync(id)).Select(e => e.Data).OfType<ToolCalled>().Select(c => c.ToolCallId).ToList();
        Assert.All(ids, c => Assert.StartsWith("tc_", c));
        Assert.StartsWith("ap_", ap);
    }

    [Fact]
    public async Task AnApprovedDeployWhoseVerificationFails_SaysSoOnTheApprovalCard_AndInTheError()
    {
        using var h = new CoreHarness();
        var id = await h.LaunchAsync("deploy", "api to production");
        var ap = (await h.Loop.RunAsync(id)).PendingApprovals.Single().Id;
        File.WriteAllText(Path.Combine(h.DataDir, "unhealthy-api-production"), "");
        Assert.True((await h.Service.DecideApprovalAsync(id, ap, true, CoreHarness.User("bob"), null)).Accepted);
        var before = (await h.EventsAsync(id)).Count;

        await h.Loop.StepAsync(id);

        var events = (await h.EventsAsync(id)).Skip(before).ToList();
        Assert.Contains($"approval:{ap} | approval | deploy_to_production ran, but its verification failed | {ap} | ", Story(events));
        var error = events.Select(e => e.Data).OfType<ErrorOccurred>().Single();
        Assert.Equal("deploy_to_production ran but its verification failed (production answers with the deployed version): expected healthy = true, got false", error.Message);
        Assert.Equal(("verification", "deploy_to_production"), (error.Source, error.Tool));
    }

    [Fact]
    public async Task ANotice_AndAQuestion_ReachTheirCards_AndTheStatusLineSaysWhatTheThreadWaitsFor()
    {
        var model = new ScriptedChatClient()
            .ThenCall("post_message", new { text = "Tests are green." })
            .ThenCall("ask_human", new { question = "Canary first?" });
        using var h = new CoreHarness(planner: new ChatClientPlanner(model, "openai:test"));
        var id = await h.LaunchAsync("deploy", "api to staging");
        var before = (await h.EventsAsync(id)).Count;

        var waiting = await h.Loop.RunAsync(id);

        Assert.Equal(ThreadStatus.AwaitingHuman, waiting.Status);
        var events = (await h.EventsAsync(id)).Skip(before).ToList();
        var post = events.Select(e => e.Data).OfType<ToolCalled>().Single().ToolCallId;
        var q = events.Select(e => e.Data).OfType<HumanContacted>().Single().RequestId;
        Assert.StartsWith("q_", q);
        string[] expected =
        [
            "model_decision", "tool_call", "tool_result",
            "status | status | deploy · step 1/8 · post_message ✓ |  | ",
            $"post:{post} | notice | Tests are green. |  | ",
            "model_decision", "human_contacted",
            $"question:{q} | question | Canary first? |  | {q}",
            "status | status | deploy · step 1/8 · waiting for an answer: Canary first? |  | ",
        ];
        Assert.Equal(expected, Story(events));
    }

    [Fact]
    public async Task ACallToAToolOutsideTheAgentsList_IsRefused_EvenWhenTheCatalogHasIt()
    {
        var model = new ScriptedChatClient().ThenCall("open_incident", new { title = "x", severity = "sev3", impact = "none" });
        using var h = new CoreHarness(planner: new ChatClientPlanner(model, "openai:test"));
        var id = await h.LaunchAsync("deploy", "api to staging");

        await h.Loop.StepAsync(id);

        var error = (await h.EventsAsync(id)).Select(e => e.Data).OfType<ErrorOccurred>().Single();
        Assert.Equal("Unknown tool 'open_incident'. Available tools: run_tests, deploy_to_staging, deploy_to_production, post_message, ask_human, done.", error.Message);
        Assert.Equal("validation", error.Source);
        Assert.Empty((await h.EventsAsync(id)).Select(e => e.Data).OfType<ToolCalled>());
    }

    [Fact]
    public async Task APlannerThatThrows_IsAnError_NamingTheException_AndCancellationIsNot()
    {
        using var h = new CoreHarness(planner: new ThrowingPlanner(new InvalidOperationException("model gone")));
        var id = await h.LaunchAsync("deploy", "api to staging");

        await h.Loop.StepAsync(id);

        var error = (await h.EventsAsync(id)).Select(e => e.Data).OfType<ErrorOccurred>().Single();
        Assert.Equal(("The planner failed: InvalidOperationException", "model gone", "planner"), (error.Message, error.Detail, error.Source));

        using var cancelled = new CoreHarness(planner: new ThrowingPlanner(new OperationCanceledException()));
        var other = await cancelled.LaunchAsync("deploy", "api to staging");
        await Assert.ThrowsAsync<OperationCanceledException>(() => cancelled.Loop.StepAsync(other));
        Assert.Empty((await cancelled.EventsAsync(other)).Select(e => e.Data).OfType<ErrorOccurred>());
    }

    [Fact]
    public async Task AThreadWhoseAgentWasRemoved_Fails_SayingSo_AndAnUnknownThreadIsNamed()
    {
        using var h = new CoreHarness();
        await h.SeedAsync("th_gone", (new ThreadStarted("retired", "x", new Dictionary<string, string>(), new Origin("web"), 4), CoreHarness.User("alice")));

        var outcome = await h.Loop.StepAsync("th_gone");

        Assert.False(outcome.Continue);
        Assert.Equal(ThreadStatus.Failed, outcome.State.Status);
        var failed = (await h.EventsAsync("th_gone")).Select(e => e.Data).OfType<ThreadFailed>().Single();
        Assert.Equal(("agent_missing", "Agent 'retired' is no longer defined."), (failed.Reason, failed.Detail));
        Assert.Equal("final | final | Failed: agent 'retired' is no longer defined. |  | ", Story(await h.EventsAsync("th_gone")).Last());

        var missing = await Assert.ThrowsAsync<InvalidOperationException>(() => h.Loop.StepAsync("th_never"));
        Assert.Equal("Thread th_never does not exist", missing.Message);
    }

    [Fact]
    public async Task Errors_ShowOnTheStatusLine_AndTheThirdInARowRaisesTheStuckCard()
    {
        var model = new ScriptedChatClient().Repeat(3, m => m.ThenCall("drop_database", new { name = "prod" }));
        using var h = new CoreHarness(planner: new ChatClientPlanner(model, "openai:test"));
        var id = await h.LaunchAsync("deploy", "api to staging");
        var before = (await h.EventsAsync(id)).Count;

        var stuck = await h.Loop.RunAsync(id);

        Assert.Equal(ThreadStatus.Paused, stuck.Status);
        const string Unknown = "Unknown tool 'drop_database'. Available tools: run_tests, deploy_to_staging, deploy_to_production, post_message, ask_human, done.";
        string[] expected =
        [
            "model_decision", "error", $"status | status | deploy · step 0/8 · error: {Unknown} |  | ",
            "model_decision", "error", $"status | status | deploy · step 1/8 · error: {Unknown} |  | ",
            "model_decision", "error", "thread_paused",
            $"stuck | stuck | Stuck: 3 errors in a row; the last: {Unknown} |  | ",
            $"status | status | deploy · step 2/8 · stuck: {Unknown} |  | ",
        ];
        Assert.Equal(expected, Story((await h.EventsAsync(id)).Skip(before)));
    }

    [Fact]
    public async Task ALongRun_FlushesItsMessagesEveryTwoSeconds_AndOnceWhenItStops()
    {
        var planner = new SlowPlanner(posts: 5);
        using var h = new CoreHarness(planner: planner);
        planner.Clock = h.Time;
        var id = await h.LaunchAsync("deploy", "api to staging");

        var done = await h.Loop.RunAsync(id);

        Assert.Equal(ThreadStatus.Completed, done.Status);
        // Steps end 1, 2, … 6 s into the run (each decision takes a second): flushed after the 2nd and the 4th, and at the end.
        Assert.Equal([id, id, id], h.Scheduler.Deliveries);
    }

    /// <summary>A planner that takes one (fake) second per decision: <c>posts</c> notices, then <c>done</c>.</summary>
    private sealed class SlowPlanner(int posts) : IPlanner
    {
        private int _decisions;

        public Microsoft.Extensions.Time.Testing.FakeTimeProvider? Clock { get; set; }

        public string Name => "slow";

        public Task<PlannerDecision> DecideAsync(PlanningContext context, CancellationToken cancellationToken)
        {
            Clock!.Advance(TimeSpan.FromSeconds(1));
            var n = ++_decisions;
            return Task.FromResult(n <= posts
                ? PlannerDecision.Call("{}", "post_message", System.Text.Json.JsonSerializer.SerializeToElement(new { text = $"Note {n}." }))
                : PlannerDecision.Call("{}", "done", System.Text.Json.JsonSerializer.SerializeToElement(new { summary = "Done." })));
        }
    }

    private sealed class ThrowingPlanner(Exception exception) : IPlanner
    {
        public string Name => "throwing";

        public Task<PlannerDecision> DecideAsync(PlanningContext context, CancellationToken cancellationToken) => throw exception;
    }
}
