using ChatAgent.Core.Approvals;
using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Threads;
using ChatAgent.Core.Tools;

namespace ChatAgent.Core.Tests.Runtime;

/// <summary><see cref="ThreadService.DecideApprovalAsync"/> enforces the tool's approval policy; refusals append nothing.</summary>
public sealed class ThreadServiceApprovalTests
{
    private static readonly ApprovalPolicy Deployers = new(["group:deployers"], ExpiresAfter: TimeSpan.FromHours(1));

    private static ApprovalOptions Groups(params (string Group, string[] Members)[] groups)
    {
        var options = new ApprovalOptions();
        foreach (var (group, members) in groups) options.Groups[group] = [.. members];
        return options;
    }

    [Fact]
    public async Task DecideApproval_IsRefused_WhenTheUserIsNotAnApprover_AndNothingIsAppended()
    {
        using var h = new CoreHarness(approvals: Groups(("deployers", ["web:dana"])));
        var (id, approvalId) = await h.AwaitingApprovalAsync(Deployers);
        var before = await h.EventsAsync(id);

        var refused = await h.Service.DecideApprovalAsync(id, approvalId, approve: true, CoreHarness.User("bob"), null);

        Assert.False(refused.Accepted);
        Assert.Equal(RejectionCodes.ApprovalNotAllowed, refused.Code);
        Assert.Contains("group:deployers", refused.Message);
        Assert.Equal(before.Count, (await h.EventsAsync(id)).Count);
        Assert.Empty(h.Scheduler.Runs.Where(r => r == id).Skip(1));

        var granted = await h.Service.DecideApprovalAsync(id, approvalId, approve: true, CoreHarness.User("dana"), null);
        Assert.True(granted.Accepted, granted.Message);
        Assert.Equal(ApprovalOutcome.Granted, granted.State!.FindSettledApproval(approvalId)!.Outcome);
    }

    /// <summary>The sample configuration leaves the groups empty: then anyone but the requester may decide.</summary>
    [Fact]
    public async Task DecideApproval_WithEmptyGroups_AcceptsAnyoneButTheRequester()
    {
        using var h = new CoreHarness();
        var (id, approvalId) = await h.AwaitingApprovalAsync(Deployers, requester: "alice");

        var self = await h.Service.DecideApprovalAsync(id, approvalId, approve: true, CoreHarness.User("alice"), null);
        var other = await h.Service.DecideApprovalAsync(id, approvalId, approve: true, CoreHarness.User("zoe"), null);

        Assert.Equal(RejectionCodes.ApprovalSelf, self.Code);
        Assert.True(other.Accepted, other.Message);
        Assert.Equal(ThreadStatus.Running, other.State!.Status);
    }

    [Fact]
    public async Task DecideApproval_IsRefused_ForTheRequester_EvenWhenInTheGroup_UnlessSelfApprovalIsAllowed()
    {
        using var h = new CoreHarness(approvals: Groups(("deployers", ["web:alice"])));
        var (strictThread, strict) = await h.AwaitingApprovalAsync(Deployers, requester: "alice");
        var (lenientThread, lenient) = await h.AwaitingApprovalAsync(Deployers with { AllowSelfApproval = true }, requester: "alice");
        var before = await h.EventsAsync(strictThread);

        var refused = await h.Service.DecideApprovalAsync(strictThread, strict, approve: true, CoreHarness.User("alice"), null);
        var allowed = await h.Service.DecideApprovalAsync(lenientThread, lenient, approve: true, CoreHarness.User("alice"), null);

        Assert.Equal(RejectionCodes.ApprovalSelf, refused.Code);
        Assert.Equal(before.Count, (await h.EventsAsync(strictThread)).Count);
        Assert.True(allowed.Accepted, allowed.Message);
        Assert.Equal(ApprovalOutcome.Granted, allowed.State!.FindSettledApproval(lenient)!.Outcome);
    }

    [Fact]
    public async Task DecideApproval_IsRejected_WhenAlreadyExpired_AndTheThreadRecordsTheExpiry()
    {
        using var h = new CoreHarness();
        var (id, approvalId) = await h.AwaitingApprovalAsync(Deployers);
        h.Time.Advance(TimeSpan.FromHours(1));

        var late = await h.Service.DecideApprovalAsync(id, approvalId, approve: true, CoreHarness.User("bob"), "sorry, was at lunch");

        Assert.False(late.Accepted);
        Assert.Equal(RejectionCodes.ApprovalExpired, late.Code);
        var events = await h.EventsAsync(id);
        Assert.Equal(new ApprovalExpired(approvalId), events.Select(e => e.Data).OfType<ApprovalExpired>().Single());
        Assert.DoesNotContain(events, e => e.Data is ApprovalDecided);
        var state = await h.StateAsync(id);
        Assert.Equal(ApprovalOutcome.Expired, state.FindSettledApproval(approvalId)!.Outcome);
        Assert.Null(state.ReadyToRun);
        Assert.Contains(id, h.Scheduler.Runs); // the agent goes on to report that nothing was deployed

        var again = await h.Service.DecideApprovalAsync(id, approvalId, approve: true, CoreHarness.User("carol"), null);
        Assert.Equal(RejectionCodes.ApprovalExpired, again.Code);
        Assert.Equal(events.Count, (await h.EventsAsync(id)).Count);
    }

    [Fact]
    public async Task DecideApproval_WithQuorumTwo_NeedsTwoDifferentApprovers()
    {
        using var h = new CoreHarness();
        var (id, approvalId) = await h.AwaitingApprovalAsync(Deployers with { Quorum = 2 });

        var first = await h.Service.DecideApprovalAsync(id, approvalId, approve: true, CoreHarness.User("bob"), null);
        Assert.True(first.Accepted, first.Message);
        Assert.Equal(ThreadStatus.AwaitingHuman, first.State!.Status);
        Assert.Single(first.State.FindPendingApproval(approvalId)!.Votes);
        Assert.Null(first.State.ReadyToRun);
        Assert.DoesNotContain(id, h.Scheduler.Runs.Skip(1)); // only the launch's run

        var count = (await h.EventsAsync(id)).Count;
        var twice = await h.Service.DecideApprovalAsync(id, approvalId, approve: true, CoreHarness.User("bob"), null);
        Assert.Equal(RejectionCodes.ApprovalAlreadyVoted, twice.Code);
        Assert.Equal(count, (await h.EventsAsync(id)).Count);

        var second = await h.Service.DecideApprovalAsync(id, approvalId, approve: true, CoreHarness.User("carol"), null);
        Assert.True(second.Accepted, second.Message);
        Assert.Equal(ThreadStatus.Running, second.State!.Status);
        Assert.Equal(["web:bob", "web:carol"], second.State.FindSettledApproval(approvalId)!.Votes.Select(v => v.By));
        Assert.Equal("deploy_to_production", second.State.ReadyToRun!.Tool);
        Assert.Equal(2, h.Scheduler.Runs.Count(r => r == id));
    }

    [Fact]
    public async Task DecideApproval_OnASettledApproval_AppendsNothing_AndSaysWhoDecidedAndWhen()
    {
        using var h = new CoreHarness();
        var (id, approvalId) = await h.AwaitingApprovalAsync(Deployers);
        var denied = await h.Service.DecideApprovalAsync(id, approvalId, approve: false, CoreHarness.User("bob"), "not on a Friday");
        var count = (await h.EventsAsync(id)).Count;
        h.Time.Advance(TimeSpan.FromMinutes(2));

        var late = await h.Service.DecideApprovalAsync(id, approvalId, approve: true, CoreHarness.User("carol"), null);

        Assert.False(late.Accepted);
        Assert.Equal(RejectionCodes.ApprovalNotPending, late.Code);
        Assert.Contains("denied by bob", late.Message);
        Assert.Contains($"{CoreHarness.Start:u}", late.Message);
        Assert.Contains("not on a Friday", late.Message);
        Assert.Equal(count, (await h.EventsAsync(id)).Count);
        Assert.Contains("deploy_to_production denied by bob: not on a Friday", denied.State!.Feedback);
    }

    [Fact]
    public async Task DecideApproval_OnAnUnknownApprovalOrThread_IsRejected()
    {
        using var h = new CoreHarness();
        var (id, _) = await h.AwaitingApprovalAsync(Deployers);

        Assert.Equal(RejectionCodes.ApprovalNotFound, (await h.Service.DecideApprovalAsync(id, "ap_nope", true, CoreHarness.User("bob"), null)).Code);
        Assert.Equal(RejectionCodes.ThreadNotFound, (await h.Service.DecideApprovalAsync("th_nope", "ap_nope", true, CoreHarness.User("bob"), null)).Code);
    }

    [Fact]
    public async Task Quorum_CountsPeople_SoOnePersonOnTwoPlatformsIsOneVote()
    {
        var people = new PeopleOptions();
        people.People["dana"] = ["web:dana", "slack:UDANA"];
        using var h = new CoreHarness(approvals: Groups(("deployers", ["dana", "web:erin"])), people: people);
        var (id, approvalId) = await h.AwaitingApprovalAsync(Deployers with { Quorum = 2 });

        var first = await h.Service.DecideApprovalAsync(id, approvalId, approve: true, CoreHarness.User("dana"), null);
        Assert.True(first.Accepted, first.Message);
        var before = await h.EventsAsync(id);
        var again = await h.Service.DecideApprovalAsync(id, approvalId, approve: true, Actor.User("slack:UDANA", "Dana"), null);

        Assert.Equal(RejectionCodes.ApprovalAlreadyVoted, again.Code);
        Assert.Equal(before.Count, (await h.EventsAsync(id)).Count);
        var second = await h.Service.DecideApprovalAsync(id, approvalId, approve: true, CoreHarness.User("erin"), null);
        Assert.Equal(ApprovalOutcome.Granted, second.State!.FindSettledApproval(approvalId)!.Outcome);
    }

    [Fact]
    public async Task Exposed_APolicyThatResolvesToNobody_LetsNobodyDecide()
    {
        using var h = new CoreHarness(approvals: new ApprovalOptions { Exposed = true });
        var (id, approvalId) = await h.AwaitingApprovalAsync(Deployers, requester: "alice");
        var before = await h.EventsAsync(id);

        var refused = await h.Service.DecideApprovalAsync(id, approvalId, approve: true, CoreHarness.User("zoe"), null);

        Assert.Equal(RejectionCodes.ApprovalNotAllowed, refused.Code);
        Assert.Equal(before.Count, (await h.EventsAsync(id)).Count);
    }
}
