using System.Text.Json;
using ChatAgent.Core.Events;
using ChatAgent.Core.Threads;
using ChatAgent.Core.Tools;
using ChatAgent.TestSupport;

namespace ChatAgent.Core.Tests.Threads;

/// <summary>What an approval card says besides the call: the checks before it, and whether the approved call ran.</summary>
public sealed class ApprovalStoryTests
{
    private static readonly JsonElement Params = JsonDocument.Parse("""{"service":"api","version":"1.4.2"}""").RootElement.Clone();
    private static readonly JsonElement Ok = JsonDocument.Parse("""{"ok":true}""").RootElement.Clone();

    /// <summary>A deploy that passed one precondition, was approved by Bob and (not yet) ran.</summary>
    private static EventStream Approved(string threadId) => new EventStream(threadId)
        .Add(new ThreadStarted("deploy", "api to production", new Dictionary<string, string>(), new Origin("web"), 8), Actor.User("web:alice"))
        .Add(new ModelDecision("c1", "offline", "h", "{}", "deploy_to_production"))
        .Add(new CheckPassed("c1", "deploy_to_production", ToolCheck.Precondition, "staging runs 1.4.2", Ok), Actor.System)
        .Add(new CheckPassed("c0", "run_tests", ToolCheck.Precondition, "another call's check", Ok), Actor.System)
        .Add(new ApprovalRequested("a1", "c1", "deploy_to_production", Params, "h1", null, "web:alice", new ApprovalPolicy([]), EventStream.DefaultStart.AddHours(1)))
        .Add(new ApprovalDecided("a1", true, null, "h1"), Actor.User("web:bob"))
        .Add(new ToolCalled("c1", "deploy_to_production", Params, ToolKind.RequiresApproval, "h1"));

    [Fact]
    public void BeforeTheCallEnds_TheCardShowsOnlyItsOwnPreconditions_AndNoOutcome()
    {
        var story = ApprovalStory.Of(Approved("t-story-1").State, "c1");

        Assert.Equal(["✓ staging runs 1.4.2"], story.Preconditions.Select(ApprovalStory.Line));
        Assert.Empty(story.Verifications);
        Assert.Equal(ActionState.NotRun, story.Action);
        Assert.Null(story.ActionLine);
    }

    [Fact]
    public void ACallThatReturned_WithoutVerification_Ran()
    {
        var state = Approved("t-story-2").Add(new ToolReturned("c1", "deploy_to_production", Ok), Actor.System).State;

        var story = ApprovalStory.Of(state, "c1");

        Assert.Equal(ActionState.Ran, story.Action);
        Assert.Equal("Ran.", story.ActionLine);
    }

    [Fact]
    public void ACallThatReturned_AndPassedItsVerification_IsVerified()
    {
        var state = Approved("t-story-3")
            .Add(new CheckPassed("c1", "deploy_to_production", ToolCheck.Verification, "production is healthy", Ok), Actor.System)
            .Add(new ToolReturned("c1", "deploy_to_production", Ok), Actor.System).State;

        var story = ApprovalStory.Of(state, "c1");

        Assert.Equal(ActionState.Verified, story.Action);
        Assert.Equal("Ran and verified.", story.ActionLine);
        Assert.Equal(["✓ production is healthy"], story.Verifications.Select(ApprovalStory.Line));
        Assert.Equal(["✓ staging runs 1.4.2"], story.Preconditions.Select(ApprovalStory.Line));
    }

    [Fact]
    public void AFailedVerification_SaysSo_WithTheReason()
    {
        var state = Approved("t-story-4")
            .Add(new CheckFailed("c1", "deploy_to_production", ToolCheck.Verification, "production is healthy", "expected healthy = true, got false", null), Actor.System)
            .Add(new ErrorOccurred("verification failed", null, "verification", "c1", "deploy_to_production"), Actor.System).State;

        var story = ApprovalStory.Of(state, "c1");

        Assert.Equal(ActionState.VerificationFailed, story.Action);
        Assert.Equal("Ran, but its verification FAILED: check what it did.", story.ActionLine);
        Assert.Equal(["✗ production is healthy: expected healthy = true, got false"], story.Verifications.Select(ApprovalStory.Line));
    }

    [Fact]
    public void ACallThatEndedInAnError_DidNotSucceed_UntilAnotherCallStarts()
    {
        var failed = Approved("t-story-5").Add(new ErrorOccurred("deploy failed", null, "tool", "c1", "deploy_to_production"), Actor.System);

        var story = ApprovalStory.Of(failed.State, "c1");
        Assert.Equal(ActionState.Failed, story.Action);
        Assert.Equal("Did not succeed: the thread shows the error.", story.ActionLine);

        var next = failed.Add(new ModelDecision("c2", "offline", "h", "{}", "run_tests"))
            .Add(new ToolCalled("c2", "run_tests", Params, ToolKind.Immediate, "h2"));
        Assert.Equal(ActionState.NotRun, ApprovalStory.Of(next.State, "c1").Action);
    }

    [Fact]
    public void AFailedCheck_WithoutAMessage_IsTheCheckAlone() =>
        Assert.Equal("✗ staging runs 1.4.2",
            ApprovalStory.Line(new CheckOutcome("c1", "deploy_to_production", ToolCheck.Precondition, "staging runs 1.4.2", false, " ", EventStream.DefaultStart)));

    [Fact]
    public void APassedCheck_NeverShowsAMessage() =>
        Assert.Equal("✓ staging runs 1.4.2",
            ApprovalStory.Line(new CheckOutcome("c1", "deploy_to_production", ToolCheck.Precondition, "staging runs 1.4.2", true, "ignored", EventStream.DefaultStart)));
}
