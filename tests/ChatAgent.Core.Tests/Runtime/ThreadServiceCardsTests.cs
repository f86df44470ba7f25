using ChatAgent.Core.Approvals;
using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Threads;
using ChatAgent.Core.Tools;

namespace ChatAgent.Core.Tests.Runtime;

/// <summary>
/// What each accepted command puts on the cards people see (every queued message: key, kind, text, approval), and
/// what each refusal tells them, word for word. The renderers on Slack, Teams and the web chat show these texts.
/// </summary>
public sealed class ThreadServiceCardsTests : IDisposable
{
    private readonly CoreHarness _h;

    public ThreadServiceCardsTests() =>
        _h = new CoreHarness(approvals: CoreHarness.Groups(("deployers", ["web:bob", "web:carol"]), ("sre-leads", ["web:sam"])));

    public void Dispose() => _h.Dispose();

    private static readonly ApprovalPolicy Ladder = new(["group:deployers"], Quorum: 2, ExpiresAfter: TimeSpan.FromHours(1),
        RemindAfter: TimeSpan.FromMinutes(15), EscalateAfter: TimeSpan.FromMinutes(30), EscalateTo: ["group:sre-leads"]);

    /// <summary>The messages the last command queued, as (key, kind, text, the approval they are about).</summary>
    private async Task<(string Key, string Kind, string Text, string? Approval)[]> QueuedSinceAsync(string threadId, int before) =>
        [.. (await _h.EventsAsync(threadId)).Skip(before).Select(e => e.Data).OfType<MessageQueued>().Select(m => (m.MessageKey, m.Kind, m.Text, m.ApprovalId))];

    private async Task<int> CountAsync(string threadId) => (await _h.EventsAsync(threadId)).Count;

    [Fact]
    public async Task Launch_QueuesTheStartedStatusLine_WithTheAgentsStepBudget()
    {
        var id = await _h.LaunchAsync("deploy", "api to staging");

        var events = await _h.EventsAsync(id);
        Assert.StartsWith("th_", id);
        var started = Assert.IsType<ThreadStarted>(events[0].Data);
        Assert.Equal(8, started.MaxSteps); // deploy.yaml: max_steps: 8
        Assert.Equal(new Dictionary<string, string> { ["service"] = "api", ["env"] = "staging" }, started.Arguments);
        Assert.Equal([(MessageKeys.Status, "status", "deploy: started by alice — \"api to staging\"", (string?)null)], await QueuedSinceAsync(id, 0));
    }

    [Fact]
    public async Task ALaunchsOwnStepBudgetAndInput_WinOverTheAgentsDefaults()
    {
        var launched = await _h.Service.LaunchAsync(new LaunchCommand("daily-summary", "Summarize the last hour.", new Origin("web"), CoreHarness.User("alice"), MaxSteps: 3));
        var bare = await _h.Service.LaunchAsync(new LaunchCommand("daily-summary", "  ", new Origin("web"), CoreHarness.User("alice")));

        var own = Assert.IsType<ThreadStarted>((await _h.EventsAsync(launched.State!.Id))[0].Data);
        Assert.Equal((3, "Summarize the last hour."), (own.MaxSteps, own.Input));
        var defaults = Assert.IsType<ThreadStarted>((await _h.EventsAsync(bare.State!.Id))[0].Data);
        Assert.Equal("Summarize the last 24 hours.", defaults.Input); // daily-summary.yaml: default_input
    }

    [Fact]
    public async Task ADuplicateLaunch_NamesTheThreadItStarted_AndAppendsNothing()
    {
        var first = await _h.LaunchAsync("deploy", "api to staging", deliveryKey: "slack:trigger:1");
        var events = await CountAsync(first);

        var again = await _h.Service.LaunchAsync(new LaunchCommand("deploy", "api to staging", new Origin("web"), CoreHarness.User("alice"), "slack:trigger:1"));

        Assert.True(again.Accepted);
        Assert.True(again.Duplicate);
        Assert.Equal($"Already started as {first}.", again.Message);
        Assert.Equal(first, again.State!.Id);
        Assert.Equal(events, await CountAsync(first));
    }

    [Fact]
    public async Task Votes_UpdateTheApprovalCard_WithWhoVotedAndWhichTool_AndASecondVoteBySamePersonIsRefused()
    {
        var (id, approvalId) = await _h.AwaitingApprovalAsync(Ladder);
        var before = await CountAsync(id);

        var bob = await _h.Service.DecideApprovalAsync(id, approvalId, approve: true, CoreHarness.User("bob"), "  lgtm  ");

        Assert.True(bob.Accepted, bob.Message);
        Assert.Equal([(MessageKeys.Approval(approvalId), "approval", "Approved by bob: deploy_to_production", approvalId)], await QueuedSinceAsync(id, before));
        var vote = (await _h.EventsAsync(id)).Select(e => e.Data).OfType<ApprovalDecided>().Single();
        Assert.Equal("lgtm", vote.Comment);
        Assert.Equal(ThreadStatus.AwaitingHuman, bob.State!.Status); // quorum 2: one grant is not enough

        var twice = await _h.Service.DecideApprovalAsync(id, approvalId, approve: true, CoreHarness.User("bob"), null);
        Assert.False(twice.Accepted);
        Assert.Equal((RejectionCodes.ApprovalAlreadyVoted, "You already voted on this approval; it needs 2 approvers."), (twice.Code, twice.Message));

        before = await CountAsync(id);
        var carol = await _h.Service.DecideApprovalAsync(id, approvalId, approve: false, CoreHarness.User("carol"), "   ");
        Assert.True(carol.Accepted, carol.Message);
        Assert.Equal([(MessageKeys.Approval(approvalId), "approval", "Denied by carol: deploy_to_production", approvalId)], await QueuedSinceAsync(id, before));
        Assert.Null((await _h.EventsAsync(id)).Select(e => e.Data).OfType<ApprovalDecided>().Last().Comment);
        // The thread list, written with each command's append, is at the stream's last seq and shows the denial.
        var listed = (await _h.Store.ListAsync(new ChatAgent.Core.Storage.ThreadQuery())).Single(t => t.Id == id);
        Assert.Equal((await CountAsync(id), "running", 0), (listed.Version, listed.Status, listed.PendingApprovals));
    }

    [Fact]
    public async Task DecisionsOnSettledOrUnknownApprovals_SayWhoSettledItAndWhen()
    {
        var (id, approvalId) = await _h.AwaitingApprovalAsync(new ApprovalPolicy(["group:deployers"]));
        Assert.True((await _h.Service.DecideApprovalAsync(id, approvalId, approve: false, CoreHarness.User("bob"), "freeze")).Accepted);
        var at = _h.Time.GetUtcNow();

        var late = await _h.Service.DecideApprovalAsync(id, approvalId, approve: true, CoreHarness.User("carol"), null);
        Assert.Equal((RejectionCodes.ApprovalNotPending, $"Already denied by bob at {at:u} (\"freeze\")."), (late.Code, late.Message));

        var unknown = await _h.Service.DecideApprovalAsync(id, "ap_nope", approve: true, CoreHarness.User("carol"), null);
        Assert.Equal((RejectionCodes.ApprovalNotFound, $"There is no approval ap_nope on thread {id}."), (unknown.Code, unknown.Message));
    }

    [Fact]
    public async Task AVoteAfterTheExpiry_ExpiresTheApproval_UpdatesTheCard_AndTellsTheVoterNothingRan()
    {
        var (id, approvalId) = await _h.AwaitingApprovalAsync(Ladder);
        _h.Time.Advance(TimeSpan.FromHours(2));
        var before = await CountAsync(id);

        var late = await _h.Service.DecideApprovalAsync(id, approvalId, approve: true, CoreHarness.User("bob"), null);

        Assert.False(late.Accepted);
        var expiredAt = _h.Time.GetUtcNow();
        Assert.Equal((RejectionCodes.ApprovalExpired, $"This approval expired at {expiredAt:u}; nothing was run."), (late.Code, late.Message));
        Assert.Equal([(MessageKeys.Approval(approvalId), "approval", "Expired: deploy_to_production", approvalId)], await QueuedSinceAsync(id, before));
        var again = await _h.Service.DecideApprovalAsync(id, approvalId, approve: true, CoreHarness.User("carol"), null);
        Assert.Equal((RejectionCodes.ApprovalExpired, $"This approval expired at {expiredAt:u}; nothing was run."), (again.Code, again.Message));
    }

    [Fact]
    public async Task TheLadder_RemindsThenEscalates_UpdatingTheCardAndPostingANudgeEachTime_ThenExpires()
    {
        var (id, approvalId) = await _h.AwaitingApprovalAsync(Ladder);
        var card = MessageKeys.Approval(approvalId);

        var early = await _h.Service.AdvanceApprovalLadderAsync(id, approvalId);
        Assert.Equal(("approval.not_due", "No rung of the ladder is due yet."), (early.Code, early.Message));

        _h.Time.Advance(TimeSpan.FromMinutes(16));
        var before = await CountAsync(id);
        Assert.True((await _h.Service.AdvanceApprovalLadderAsync(id, approvalId)).Accepted);
        Assert.Equal(
            [
                (card, "approval", "Reminder: deploy_to_production still needs approval", approvalId),
                (MessageKeys.Nudge(approvalId, "remind"), "nudge", $"Reminder: deploy_to_production on thread {id} still needs a decision.", approvalId),
            ],
            await QueuedSinceAsync(id, before));

        _h.Time.Advance(TimeSpan.FromMinutes(15));
        before = await CountAsync(id);
        Assert.True((await _h.Service.AdvanceApprovalLadderAsync(id, approvalId)).Accepted);
        Assert.Equal(
            [
                (card, "approval", "Escalated to group:sre-leads: deploy_to_production", approvalId),
                (MessageKeys.Nudge(approvalId, "escalate"), "nudge", $"Escalated to group:sre-leads: deploy_to_production on thread {id} needs a decision.", approvalId),
            ],
            await QueuedSinceAsync(id, before));

        _h.Time.Advance(TimeSpan.FromHours(1));
        before = await CountAsync(id);
        Assert.True((await _h.Service.AdvanceApprovalLadderAsync(id, approvalId)).Accepted);
        Assert.Equal([(card, "approval", "Expired: deploy_to_production", approvalId)], await QueuedSinceAsync(id, before));

        var settled = await _h.Service.AdvanceApprovalLadderAsync(id, approvalId);
        Assert.Equal((RejectionCodes.ApprovalNotPending, "Nothing to do: the approval is settled."), (settled.Code, settled.Message));
    }
}
