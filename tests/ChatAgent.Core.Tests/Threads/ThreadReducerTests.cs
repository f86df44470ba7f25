using System.Text.Json;
using ChatAgent.Core.Events;
using ChatAgent.Core.Tests.Events;
using ChatAgent.Core.Threads;
using ChatAgent.Core.Tools;
using ChatAgent.TestSupport;

namespace ChatAgent.Core.Tests.Threads;

public sealed class ThreadReducerTests
{
    private static readonly Actor Alice = Actor.User("slack:U1", "Alice");
    private static readonly Actor Bob = Actor.User("slack:U2", "Bob");
    private static readonly Actor Carol = Actor.User("slack:U3", "Carol");
    private static readonly JsonElement DeployParams = EventSamples.Json("""{"service":"api","env":"production"}""");

    private static EventStream Started(string threadId, int maxSteps = 8) => new EventStream(threadId)
        .Add(new ThreadStarted("deploy", "api to production", new Dictionary<string, string> { ["service"] = "api" }, new Origin("slack", "C1"), maxSteps), Alice)
        .Add(new UserInput("api to production"), Alice);

    private static EventStream Decide(EventStream s, string callId, string tool) =>
        s.Add(new ModelDecision(callId, "offline", "hash", "{}", tool));

    private static EventStream RequestApproval(EventStream s, string approvalId, string callId, int quorum = 1, TimeSpan? expiresIn = null) =>
        Decide(s, callId, "deploy").Add(new ApprovalRequested(approvalId, callId, "deploy", DeployParams, "h-" + callId, "prod", Alice.Id,
            new ApprovalPolicy(["group:deployers"], quorum), s.Now + (expiresIn ?? TimeSpan.FromHours(1))));

    private static EventStream RunImmediate(EventStream s, string callId, string tool = "run_tests") =>
        Decide(s, callId, tool)
            .Add(new ToolCalled(callId, tool, DeployParams, ToolKind.Immediate, "h-" + callId))
            .Add(new ToolReturned(callId, tool, EventSamples.Json("""{"ok":true}""")), Actor.System);

    [Theory]
    [MemberData(nameof(EventJsonTests.WireNames), MemberType = typeof(EventJsonTests))]
    public void EveryEventType_HasAReducerArm(string wireName)
    {
        var sample = EventSamples.All.Single(s => s.WireName == wireName).Sample;
        var stream = Started("t-arm-" + wireName);

        var state = stream.Add(sample).State;

        Assert.Equal(3, state.Version);
    }

    [Fact]
    public void ThreadStarted_SetsTheThreadUp_AndRuns()
    {
        var state = Started("t-start", maxSteps: 5).State;

        Assert.Equal(("t-start", "deploy", "api to production"), (state.Id, state.Agent, state.Input));
        Assert.Equal(ThreadStatus.Running, state.Status);
        Assert.Equal((0, 5, 5), (state.Step, state.MaxSteps, state.BudgetPerRound));
        Assert.Equal(Alice.Id, state.RequestedBy);
        Assert.Equal("api", state.Arguments["service"]);
        Assert.Empty(state.Feedback);
    }

    [Fact]
    public void UserInput_AfterTheLaunch_IsFeedback_ForTheNextDecision()
    {
        var s = RunImmediate(Started("t-feedback"), "c1").Add(new UserInput("also restart the workers"), Alice);

        Assert.Equal("api to production", s.State.Input);
        Assert.Equal(["also restart the workers"], s.State.Feedback);
    }

    [Fact]
    public void ModelDecision_CountsASteps_AgainstTheBudget()
    {
        var s = Started("t-budget", maxSteps: 3);
        s = RunImmediate(RunImmediate(s, "c1"), "c2");
        Assert.Equal(2, s.State.Step);
        Assert.False(s.State.BudgetExhausted);

        s = RunImmediate(s, "c3");

        Assert.Equal(3, s.State.Step);
        Assert.True(s.State.BudgetExhausted);
    }

    [Fact]
    public void ApprovalRequested_MakesTheThreadAwaitHuman_WithAPendingApproval()
    {
        var state = RequestApproval(Started("t-appr"), "a1", "c1", quorum: 2).State;

        Assert.Equal(ThreadStatus.AwaitingHuman, state.Status);
        var pending = Assert.Single(state.PendingApprovals);
        Assert.Equal(("a1", "c1", "deploy", 2), (pending.Id, pending.ToolCallId, pending.Tool, pending.Policy.Quorum));
        Assert.Empty(pending.Votes);
        Assert.Equal("c1", Assert.Single(state.AwaitingCalls).ToolCallId);
        Assert.Null(state.ReadyToRun);
    }

    [Fact]
    public void ApprovalDecided_RecordsTheVote_WhenQuorumIsNotReached()
    {
        var s = RequestApproval(Started("t-vote"), "a1", "c1", quorum: 2).Add(new ApprovalDecided("a1", true, "ok", "h-c1"), Bob);

        var pending = Assert.Single(s.State.PendingApprovals);
        var vote = Assert.Single(pending.Votes);
        Assert.Equal((Bob.Id, "Bob", true, "ok"), (vote.By, vote.ByName, vote.Granted, vote.Comment));
        Assert.Equal(ThreadStatus.AwaitingHuman, s.State.Status);
        Assert.Null(s.State.ReadyToRun);
    }

    [Fact]
    public void ApprovalDecided_SettlesTheApproval_WhenQuorumIsReached()
    {
        var s = RequestApproval(Started("t-quorum"), "a1", "c1", quorum: 2)
            .Add(new ApprovalDecided("a1", true, null, "h-c1"), Bob)
            .Add(new ApprovalDecided("a1", true, null, "h-c1"), Carol);

        var state = s.State;
        Assert.Empty(state.PendingApprovals);
        var settled = Assert.Single(state.SettledApprovals);
        Assert.Equal(ApprovalOutcome.Granted, settled.Outcome);
        Assert.Equal([Bob.Id, Carol.Id], settled.Votes.Select(v => v.By));
        Assert.Equal(Carol.Id, settled.DecidingVote!.By);
        Assert.Equal(ThreadStatus.Running, state.Status);
        Assert.Equal("c1", state.ReadyToRun!.ToolCallId);
    }

    [Fact]
    public void ApprovalDecided_DoesNotSettle_WhenTheSamePersonGrantsTwice()
    {
        var s = RequestApproval(Started("t-twice"), "a1", "c1", quorum: 2)
            .Add(new ApprovalDecided("a1", true, null, "h-c1"), Bob)
            .Add(new ApprovalDecided("a1", true, null, "h-c1"), Bob);

        Assert.Single(s.State.PendingApprovals);
        Assert.Empty(s.State.SettledApprovals);
        Assert.Equal(ThreadStatus.AwaitingHuman, s.State.Status);
        Assert.Null(s.State.ReadyToRun);
    }

    [Fact]
    public void ApprovalDecided_SettlesAtOnce_WhenDenied()
    {
        var s = RequestApproval(Started("t-deny"), "a1", "c1", quorum: 2)
            .Add(new ApprovalDecided("a1", true, null, "h-c1"), Bob)
            .Add(new ApprovalDecided("a1", false, "not on a Friday", "h-c1"), Carol);

        var state = s.State;
        var settled = Assert.Single(state.SettledApprovals);
        Assert.Equal(ApprovalOutcome.Denied, settled.Outcome);
        Assert.Equal("not on a Friday", settled.DecidingVote!.Comment);
        Assert.Empty(state.PendingApprovals);
        Assert.Empty(state.AwaitingCalls);
        Assert.Null(state.ReadyToRun);
        Assert.Equal(ThreadStatus.Running, state.Status);
    }

    [Fact]
    public void ApprovalDecided_Denial_WithAComment_BecomesFeedbackForTheNextDecision()
    {
        var s = RequestApproval(Started("t-deny-feedback"), "a1", "c1")
            .Add(new ApprovalDecided("a1", false, "not on a Friday", "h-c1"), Carol);
        Assert.Equal(["deploy denied by Carol: not on a Friday"], s.State.Feedback);

        Decide(s, "c2", "run_tests");

        Assert.Empty(s.State.Feedback);
    }

    [Fact]
    public void ApprovalDecided_IsIgnored_WhenTheApprovalIsNotPending()
    {
        var s = RequestApproval(Started("t-late"), "a1", "c1")
            .Add(new ApprovalDecided("a1", false, null, "h-c1"), Bob);
        var before = s.State;

        var after = s.Add(new ApprovalDecided("a1", true, null, "h-c1"), Carol).State;

        Assert.Equal(StateJson.Of(before.SettledApprovals), StateJson.Of(after.SettledApprovals));
        Assert.Null(after.ReadyToRun);
    }

    [Fact]
    public void ApprovalExpired_SettlesAsExpired_AndNothingRuns()
    {
        var s = RequestApproval(Started("t-expire"), "a1", "c1").Add(new ApprovalExpired("a1"), Actor.System);

        var settled = Assert.Single(s.State.SettledApprovals);
        Assert.Equal(ApprovalOutcome.Expired, settled.Outcome);
        Assert.Null(settled.DecidingVote);
        Assert.Empty(s.State.PendingApprovals);
        Assert.Empty(s.State.AwaitingCalls);
        Assert.Null(s.State.ReadyToRun);
        Assert.Equal(ThreadStatus.Running, s.State.Status);
    }

    [Fact]
    public void ApprovalReminderAndEscalation_AreRecordedOnThePendingApproval()
    {
        var s = RequestApproval(Started("t-ladder"), "a1", "c1")
            .Add(new ApprovalReminded("a1"), Actor.System)
            .Add(new ApprovalEscalated("a1", ["slack:U0LEAD"]), Actor.System);

        var pending = Assert.Single(s.State.PendingApprovals);
        Assert.True(pending.Reminded);
        Assert.Equal(["slack:U0LEAD"], pending.EscalatedTo!);
    }

    [Fact]
    public void ToolCall_ClearsReadyToRun_ForTheGrantedCall()
    {
        var s = RequestApproval(Started("t-ready"), "a1", "c1").Add(new ApprovalDecided("a1", true, null, "h-c1"), Bob);
        Assert.Equal(("c1", "a1"), (s.State.ReadyToRun?.ToolCallId, s.State.ReadyToRun?.ApprovalId));

        s.Add(new ToolCalled("c1", "deploy", DeployParams, ToolKind.RequiresApproval, "h-c1"));

        Assert.Null(s.State.ReadyToRun);
        Assert.Empty(s.State.AwaitingCalls);
    }

    [Fact]
    public void Feedback_IsWhatPeopleSaid_NotBlankDenialsOrResumes_NorTheLaunchsOwnInput()
    {
        var s = Started("t-feedback");
        Assert.Empty(s.State.Feedback); // the launch's own user_input is the input
        s.Add(new UserInput("canary first"), Alice); // step 0, yet not the launch's input: feedback
        Assert.Equal(["canary first"], s.State.Feedback);

        // A decision has seen it; a blank denial comment and a blank resume add nothing for the next one.
        RequestApproval(Decide(s, "c1", "deploy"), "a1", "c1").Add(new ApprovalDecided("a1", false, "   ", "h-c1"), Bob);
        s.Add(new ThreadPaused(PauseReasons.Manual, "Paused by Bob", false), Bob).Add(new ThreadResumed("  "), Bob);
        Assert.Empty(s.State.Feedback);

        s.Add(new ThreadPaused(PauseReasons.Manual, "Paused by Bob", false), Bob).Add(new ThreadResumed("EU only"), Bob);
        Assert.Equal(["EU only"], s.State.Feedback);
    }

    [Fact]
    public void Error_OnTheGrantedCall_SettlesIt_SoTheLoopDoesNotTryItAgain()
    {
        var s = RequestApproval(Started("t-refused"), "a1", "c1").Add(new ApprovalDecided("a1", true, null, "h-c1"), Bob);

        s.Add(new ErrorOccurred("The approved call no longer matches what was approved; it was not run.", null, "system", "c1", "deploy"), Actor.System);

        Assert.Null(s.State.ReadyToRun);
        Assert.Empty(s.State.AwaitingCalls);
        Assert.Equal(1, s.State.ConsecutiveErrors);
    }

    [Fact]
    public void LastToolCall_HasNoResult_BetweenToolCallAndItsResult()
    {
        var s = Decide(Started("t-last"), "c1", "run_tests").Add(new ToolCalled("c1", "run_tests", DeployParams, ToolKind.Immediate, "h"));
        Assert.False(s.State.LastToolCall!.HasResult);
        Assert.Equal("c1", s.State.LastToolCall.ToolCallId);

        s.Add(new ToolReturned("c1", "run_tests", EventSamples.Json("{}")), Actor.System);

        Assert.True(s.State.LastToolCall!.HasResult);
        Assert.Equal("c1", Assert.Single(s.State.Results).ToolCallId);
    }

    [Fact]
    public void ErrorForTheCall_GivesTheLastToolCallAResult()
    {
        var s = Decide(Started("t-err-call"), "c1", "deploy")
            .Add(new ToolCalled("c1", "deploy", DeployParams, ToolKind.Immediate, "h"))
            .Add(new ErrorOccurred("boom", null, "tool", "c1", "deploy"), Actor.System);

        Assert.True(s.State.LastToolCall!.HasResult);
        Assert.Empty(s.State.Results);
    }

    [Fact]
    public void Errors_CountConsecutively_AndResetOnASuccess()
    {
        var s = Started("t-errors");
        for (var i = 1; i <= 2; i++)
            Decide(s, $"c{i}", "nope").Add(new ErrorOccurred("unknown tool 'nope'", null, "validation"), Actor.System);
        Assert.Equal((2, 2), (s.State.ConsecutiveErrors, s.State.TotalErrors));

        RunImmediate(s, "c3");

        Assert.Equal((0, 2), (s.State.ConsecutiveErrors, s.State.TotalErrors));
    }

    [Fact]
    public void ThreadPaused_AfterThreeErrors_IsEscalated()
    {
        var s = Started("t-three");
        for (var i = 1; i <= 3; i++)
            Decide(s, $"c{i}", "nope").Add(new ErrorOccurred("unknown tool", null, "validation"), Actor.System);

        s.Add(new ThreadPaused(PauseReasons.ConsecutiveErrors, "3 errors in a row", Escalated: true), Actor.System);

        Assert.Equal(3, s.State.ConsecutiveErrors);
        Assert.Equal(ThreadStatus.Paused, s.State.Status);
        Assert.Equal(PauseReasons.ConsecutiveErrors, s.State.PausedReason);
        Assert.True(s.State.Escalated);
    }

    [Fact]
    public void ThreadResumed_ClearsThePause_ResetsErrors_AndKeepsTheFeedback()
    {
        var s = Started("t-resume");
        for (var i = 1; i <= 3; i++)
            Decide(s, $"c{i}", "nope").Add(new ErrorOccurred("unknown tool", null, "validation"), Actor.System);
        s.Add(new ThreadPaused(PauseReasons.ConsecutiveErrors, null, true), Actor.System).Add(new ThreadResumed("use run_tests"), Alice);

        var state = s.State;
        Assert.Equal(ThreadStatus.Running, state.Status);
        Assert.Null(state.PausedReason);
        Assert.False(state.Escalated);
        Assert.Equal(0, state.ConsecutiveErrors);
        Assert.Equal(["use run_tests"], state.Feedback);

        Decide(s, "c4", "run_tests");
        Assert.Empty(s.State.Feedback);
    }

    [Fact]
    public void ThreadResumed_AfterStepBudget_GrantsAnotherRound()
    {
        var s = Started("t-round", maxSteps: 3);
        for (var i = 1; i <= 3; i++) RunImmediate(s, $"c{i}");
        s.Add(new ThreadPaused(PauseReasons.StepBudget, null, true), Actor.System);
        Assert.True(s.State.BudgetExhausted);

        s.Add(new ThreadResumed(null), Alice);

        Assert.Equal((3, 6), (s.State.Step, s.State.MaxSteps));
        Assert.False(s.State.BudgetExhausted);
        Assert.Equal(ThreadStatus.Running, s.State.Status);
    }

    [Fact]
    public void ThreadResumed_AfterAManualPause_KeepsTheBudget()
    {
        var s = RunImmediate(Started("t-manual", maxSteps: 3), "c1")
            .Add(new ThreadPaused(PauseReasons.Manual, null, false), Alice)
            .Add(new ThreadResumed(null), Alice);

        Assert.Equal(3, s.State.MaxSteps);
    }

    [Fact]
    public void ThreadResumed_AfterOutcomeUnknown_SettlesTheCall()
    {
        var s = Decide(Started("t-unknown"), "c1", "deploy")
            .Add(new ToolCalled("c1", "deploy", DeployParams, ToolKind.Immediate, "h"))
            .Add(new ThreadPaused(PauseReasons.OutcomeUnknown, "deploy may or may not have run", true), Actor.System);
        Assert.False(s.State.LastToolCall!.HasResult);

        s.Add(new ThreadResumed("it did run, carry on"), Alice);

        Assert.True(s.State.LastToolCall!.HasResult);
        Assert.Equal(ThreadStatus.Running, s.State.Status);
    }

    [Fact]
    public void ThreadResumed_WhileAnApprovalIsPending_AwaitsHuman()
    {
        var s = RequestApproval(Started("t-resume-pending"), "a1", "c1")
            .Add(new ThreadPaused(PauseReasons.Manual, null, false), Alice)
            .Add(new ThreadResumed(null), Alice);

        Assert.Equal(ThreadStatus.AwaitingHuman, s.State.Status);
    }

    [Fact]
    public void ApprovalDecided_KeepsThePause_WhenTheThreadIsPaused()
    {
        var s = RequestApproval(Started("t-paused-vote"), "a1", "c1")
            .Add(new ThreadPaused(PauseReasons.Manual, null, false), Alice)
            .Add(new ApprovalDecided("a1", true, null, "h-c1"), Bob);

        Assert.Equal(ThreadStatus.Paused, s.State.Status);
        Assert.Equal(("c1", "a1"), (s.State.ReadyToRun?.ToolCallId, s.State.ReadyToRun?.ApprovalId));
    }

    [Fact]
    public void HumanContacted_AwaitsHuman_AndTheAnswerBecomesAResult()
    {
        var s = Decide(Started("t-ask"), "c1", "ask_human").Add(new HumanContacted("q1", "c1", "Which region?"));
        Assert.Equal(ThreadStatus.AwaitingHuman, s.State.Status);
        Assert.Equal("Which region?", s.State.PendingQuestion!.Question);

        s.Add(new HumanResponded("q1", "eu-west-1"), Bob);

        var state = s.State;
        Assert.Equal(ThreadStatus.Running, state.Status);
        Assert.Null(state.PendingQuestion);
        var answer = Assert.Single(state.Results);
        Assert.Equal(("c1", "ask_human"), (answer.ToolCallId, answer.Tool));
        Assert.Equal("eu-west-1", answer.Result.GetProperty("answer").GetString());
        Assert.Equal(Bob.Id, answer.Result.GetProperty("by").GetString());
    }

    [Fact]
    public void HumanResponded_IsIgnored_ForAnotherQuestion()
    {
        var s = Decide(Started("t-ask-other"), "c1", "ask_human").Add(new HumanContacted("q1", "c1", "Which region?"))
            .Add(new HumanResponded("q-other", "eu"), Bob);

        Assert.Equal(ThreadStatus.AwaitingHuman, s.State.Status);
        Assert.Empty(s.State.Results);
    }

    [Fact]
    public void MessageQueued_IsKeyed_AndUpdatedInPlace_KeepingThePostedRef()
    {
        var s = Started("t-msg").Add(new MessageQueued("approval:a1", "approval", "Deploy?", "a1"), Actor.System);
        var firstSeq = s.State.Version;
        s.Add(new MessagePosted("approval:a1", "slack", "C1/123.4", firstSeq), Actor.System);
        Assert.True(s.State.Messages["approval:a1"].IsDelivered);

        s.Add(new MessageQueued("approval:a1", "approval", "Deploy? approved by Bob", "a1"), Actor.System);

        var message = Assert.Single(s.State.Messages).Value;
        Assert.Equal("Deploy? approved by Bob", message.Text);
        Assert.Equal(("slack", "C1/123.4"), (message.Platform, message.Ref));
        Assert.Equal(s.State.Version, message.Version);
        Assert.False(message.IsDelivered);
    }

    [Fact]
    public void MessagePosted_ToAPerson_RecordsTheirCopy_AndLeavesTheThreadsOwnDeliveryAlone()
    {
        var s = Started("t-msg-copy").Add(new MessageQueued("approval:a1", "approval", "Deploy?", "a1"), Actor.System);
        var firstSeq = s.State.Version;
        s.Add(new MessagePosted("approval:a1", "slack", "DUBOB|1.1", firstSeq, "slack:UBOB"), Actor.System);

        var message = s.State.Messages["approval:a1"];
        Assert.False(message.IsDelivered); // the channel's card is still to post
        Assert.Null(message.Ref);
        Assert.Equal(new MessageCopy("slack", "DUBOB|1.1", firstSeq), Assert.Single(message.Copies).Value);

        s.Add(new MessageQueued("approval:a1", "approval", "Deploy? approved by Bob", "a1"), Actor.System);
        s.Add(new MessagePosted("approval:a1", "slack", "DUBOB|1.1", s.State.Version, "slack:UBOB"), Actor.System);
        s.Add(new MessagePosted("approval:a1", "slack", "DUBOB|1.1", firstSeq, "slack:UBOB"), Actor.System); // a late receipt of the first version
        Assert.Equal(s.State.Version - 2, s.State.Messages["approval:a1"].Copies["slack:UBOB"].DeliveredVersion);
        Assert.False(new MessageCopy("slack", "DUBOB|1.1", 1).Refused);
        Assert.True(new MessageCopy("slack", "refused:user_not_found|slack:UX", 1).Refused);
    }

    [Fact]
    public void MessagePosted_IsIgnored_ForAnUnknownKey()
    {
        var s = Started("t-msg-unknown").Add(new MessagePosted("nope", "slack", "ref", 1), Actor.System);

        Assert.Empty(s.State.Messages);
    }

    [Fact]
    public void ThreadCompleted_EndsTheThread_WithItsSummary()
    {
        var s = Decide(Started("t-done"), "c1", "done")
            .Add(new ToolCalled("c1", "done", EventSamples.Json("{}"), ToolKind.Terminal, "h"))
            .Add(new ThreadCompleted("all done"));

        Assert.Equal(ThreadStatus.Completed, s.State.Status);
        Assert.True(s.State.IsEnded);
        Assert.Equal("all done", s.State.Summary);
    }

    [Fact]
    public void ThreadFailed_EndsTheThread_WithItsReason()
    {
        var s = Started("t-fail").Add(new ThreadFailed("aborted", "by Alice"), Alice);

        Assert.Equal(ThreadStatus.Failed, s.State.Status);
        Assert.Equal(("aborted", "by Alice"), (s.State.FailureReason, s.State.Summary));
    }

    [Fact]
    public void ReplayUntil_RebuildsTheStateAtThatSeq()
    {
        var s = RequestApproval(Started("t-travel"), "a1", "c1").Add(new ApprovalDecided("a1", true, null, "h-c1"), Bob);

        var atRequest = ThreadReducer.ReplayUntil(s.Events, 4);

        Assert.Equal(ThreadStatus.AwaitingHuman, atRequest.Status);
        Assert.Equal(4, atRequest.Version);
        Assert.Equal(ThreadStatus.Running, s.State.Status);
    }
}
