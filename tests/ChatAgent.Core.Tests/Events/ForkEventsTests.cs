using System.Text.Json;
using ChatAgent.Core.Events;
using ChatAgent.Core.Threads;
using ChatAgent.Core.Tools;
using ChatAgent.TestSupport;

namespace ChatAgent.Core.Tests.Events;

/// <summary>
/// The fields dry-run replay added to <c>thread_started</c>, <c>tool_result</c>, <c>check_passed</c> and
/// <c>check_failed</c>: optional, so streams stored before them read unchanged (the golden streams of
/// <see cref="EventJsonTests"/>); written as below; folded as docs/RUNTIME.md "Dry runs" says.
/// </summary>
public sealed class ForkEventsTests
{
    private static readonly Origin Api = new("api", User: "api:ci");

    private static ThreadStarted ForkStarted() => new("deploy", "api to production",
        new Dictionary<string, string> { ["service"] = "api", ["env"] = "production" }, Api, 8,
        ForkedFrom: new ForkedFrom("th_origin", 9), DryRun: true, Planner: "offline");

    [Fact]
    public void AFork_ThreadStarted_IsWrittenWithItsOrigin_AndReadsBackFieldByField()
    {
        var json = EventJson.Serialize(ForkStarted());

        Assert.Equal("""{"type":"thread_started","v":1,"agent":"deploy","input":"api to production","arguments":{"service":"api","env":"production"},"origin":{"platform":"api","user":"api:ci"},"maxSteps":8,"forkedFrom":{"threadId":"th_origin","seq":9},"dryRun":true,"planner":"offline"}""", json);
        FieldByField.Equal(ForkStarted(), EventJson.Deserialize(json));
    }

    [Fact]
    public void TheDryRunMarks_AreWrittenOnlyWhenSet_AndReadBack()
    {
        var recorded = new ToolReturned("tc-1", "run_tests", EventSamples.Json("""{"version":"1.4.2"}"""), DryRunMarks.Recorded, 5);
        var notRun = new CheckPassed("tc-2", "deploy_to_production", "precondition", "staging runs this version", DryRun: DryRunMarks.NotRun);
        var failed = new CheckFailed("tc-2", "deploy_to_production", "verify", "health", "expected healthy = true, got false", DryRun: DryRunMarks.Recorded);

        Assert.Equal("""{"type":"tool_result","v":1,"toolCallId":"tc-1","tool":"run_tests","result":{"version":"1.4.2"},"dryRun":"recorded","recordedSeq":5}""", EventJson.Serialize(recorded));
        Assert.Equal("""{"type":"check_passed","v":1,"toolCallId":"tc-2","tool":"deploy_to_production","phase":"precondition","check":"staging runs this version","dryRun":"not_run"}""", EventJson.Serialize(notRun));
        Assert.Equal("""{"type":"tool_result","v":1,"toolCallId":"tc-1","tool":"run_tests","result":{}}""", EventJson.Serialize(new ToolReturned("tc-1", "run_tests", EventSamples.Json("{}"))));
        foreach (ThreadEvent e in new ThreadEvent[] { recorded, notRun, failed })
            FieldByField.Equal(e, EventJson.Deserialize(EventJson.Serialize(e)), e.Type);
    }

    [Fact]
    public void AThreadStarted_StoredBeforeForks_ReadsAsALaunch()
    {
        var started = Assert.IsType<ThreadStarted>(EventJson.Deserialize(
            """{"type":"thread_started","agent":"deploy","input":"api","arguments":{"service":"api"},"origin":{"platform":"web"},"maxSteps":8}"""));

        Assert.Equal((null, null, null), (started.ForkedFrom, started.DryRun, started.Planner));
        var state = new EventStream("t-old").Add(started).State;
        Assert.Equal((null, false, null), (state.ForkedFrom, state.DryRun, state.Planner));
    }

    [Fact]
    public void ADryRun_AnsweringTheCallItCopiedAsWaiting_EndsTheWait_AndAThreadThatIsNotADryRunKeepsIt()
    {
        EventStream Waiting(string id, ThreadStarted started) => new EventStream(id)
            .Add(started)
            .Add(new ModelDecision("tc-1", "offline", "h", "{}", "deploy_to_production"))
            .Add(new ApprovalRequested("ap-1", "tc-1", "deploy_to_production", EventSamples.Json("{}"), "hash-1", null, "slack:U1",
                new ApprovalPolicy(["group:deployers"]), new DateTimeOffset(2026, 1, 15, 11, 0, 0, TimeSpan.Zero)));
        var call = new ToolCalled("tc-1", "deploy_to_production", EventSamples.Json("{}"), ToolKind.RequiresApproval, "hash-1");

        var dry = Waiting("t-dry", ForkStarted());
        Assert.Equal(ThreadStatus.AwaitingHuman, dry.State.Status);
        var answered = dry.Add(call).State;
        Assert.Equal((ThreadStatus.Running, 0), (answered.Status, answered.PendingApprovals.Count));
        Assert.Equal(("th_origin", 9L, true, "offline"), (answered.ForkedFrom!.ThreadId, answered.ForkedFrom.Seq, answered.DryRun, answered.Planner));

        var real = Waiting("t-real", ForkStarted() with { ForkedFrom = null, DryRun = null }).Add(call).State;
        Assert.Equal((ThreadStatus.AwaitingHuman, 1), (real.Status, real.PendingApprovals.Count));
    }

    [Fact]
    public void ADryRun_AnsweringAQuestionItCopied_EndsTheWait_WithTheAnswerAsItsResult()
    {
        var state = new EventStream("t-dry-question")
            .Add(ForkStarted())
            .Add(new ModelDecision("tc-1", "offline", "h", "{}", "ask_human"))
            .Add(new HumanContacted("q-1", "tc-1", "Which environment?", "slack:U1"))
            .Add(new ToolCalled("tc-1", "ask_human", EventSamples.Json("""{"question":"Which environment?"}"""), ToolKind.Human, "hash-q"))
            .Add(new ToolReturned("tc-1", "ask_human", EventSamples.Json("""{"answer":"staging","by":"slack:U1"}"""), DryRunMarks.Recorded, 12))
            .State;

        Assert.Equal((ThreadStatus.Running, null), (state.Status, state.PendingQuestion));
        Assert.Equal("""{"answer":"staging","by":"slack:U1"}""", Assert.Single(state.Results).Result.GetRawText());
    }

    /// <summary>A fork's stream as this build writes it (docs/RUNTIME.md, "Dry runs"), replayed through today's reducer.</summary>
    [Fact]
    public void GoldenForkStream_ReplaysToTheExpectedState_AndIsWhatThisBuildWrites()
    {
        var events = EventJsonTests.ReadGolden("fork-dry-run.jsonl");
        var state = ThreadReducer.Replay(events);

        Assert.Equal(21, events.Count);
        Assert.Equal(("t-golden-fork", "deploy", ThreadStatus.Completed, "api:ci"), (state.Id, state.Agent, state.Status, state.RequestedBy));
        Assert.Equal(("t-golden-origin", 9L, true, null), (state.ForkedFrom!.ThreadId, state.ForkedFrom.Seq, state.DryRun, state.Planner));
        Assert.Equal(("api", null), (state.Origin.Platform, state.Origin.Conversation));
        Assert.Empty(state.PendingApprovals);
        Assert.Empty(state.SettledApprovals); // the copied request was answered by the dry run, never decided
        Assert.Equal(["run_tests", "deploy_to_production", "run_tests"], state.Results.Select(r => r.Tool));
        Assert.Equal("""{"status":"not run (dry run)"}""", state.Results[1].Result.GetRawText());
        Assert.Equal([("precondition", true), ("verify", true), ("verify", false)], state.Checks.Select(c => (c.Phase, c.Passed)));
        Assert.Equal((1, 5), (state.TotalErrors, state.Step));
        Assert.Equal("Deployed api 1.4.2 to production.", state.Summary);
        foreach (var (line, e) in File.ReadLines(EventJsonTests.GoldenPath("fork-dry-run.jsonl")).Where(l => l.Length > 0).Zip(events))
            Assert.Equal(line, JsonSerializer.Serialize(e, EventJson.Options));
    }
}
