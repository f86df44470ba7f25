using ChatAgent.Core.Approvals;
using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Threads;

namespace ChatAgent.Core.Tests.Runtime;

/// <summary>
/// The shipped deploy_to_production policy: remind after 15 min, escalate to group:sre-leads after 30, expire after 1 h.
/// The loop schedules one check per rung; <see cref="ThreadService.AdvanceApprovalLadderAsync"/> acts only when a rung is due.
/// </summary>
public sealed class ApprovalLadderTests : IDisposable
{
    private readonly CoreHarness _h;

    public ApprovalLadderTests()
    {
        var groups = new ApprovalOptions();
        groups.Groups["deployers"] = ["web:dana"];
        groups.Groups["sre-leads"] = ["web:sam"];
        _h = new CoreHarness(approvals: groups);
    }

    public void Dispose() => _h.Dispose();

    private async Task<(string ThreadId, PendingApproval Approval)> PausedAtProductionAsync()
    {
        var id = await _h.LaunchAsync("deploy", "api to production");
        var state = await _h.Loop.RunAsync(id);
        return (id, state.PendingApprovals.Single());
    }

    private async Task<CommandResult> AdvanceAtAsync(string id, string approvalId, DateTimeOffset at)
    {
        _h.Time.SetUtcNow(at);
        return await _h.Service.AdvanceApprovalLadderAsync(id, approvalId);
    }

    [Fact]
    public async Task ReminderAndEscalation_PostANudge_AndTheStateKeepsWhenEachRungHappened_ExpiryOnlyUpdatesTheCard()
    {
        var (id, approval) = await PausedAtProductionAsync();
        var t0 = approval.RequestedAt;

        async Task<string[]> KeysAt(DateTimeOffset at)
        {
            var before = (await _h.EventsAsync(id)).Count;
            Assert.True((await AdvanceAtAsync(id, approval.Id, at)).Accepted);
            return [.. (await _h.EventsAsync(id)).Skip(before).Select(e => e.Data).OfType<MessageQueued>().Select(m => m.MessageKey)];
        }

        Assert.Equal([MessageKeys.Approval(approval.Id), $"nudge:{approval.Id}:remind"], await KeysAt(t0.AddMinutes(15)));
        Assert.Equal([MessageKeys.Approval(approval.Id), $"nudge:{approval.Id}:escalate"], await KeysAt(t0.AddMinutes(31)));
        var pending = (await _h.StateAsync(id)).PendingApprovals.Single();
        Assert.Equal((t0.AddMinutes(15), t0.AddMinutes(31)), (pending.RemindedAt, pending.EscalatedAt));
        Assert.Equal([MessageKeys.Approval(approval.Id)], await KeysAt(t0.AddHours(1)));
    }

    [Fact]
    public async Task Ladder_Reminds_Escalates_AndExpires_EachOnlyWhenDue()
    {
        var (id, approval) = await PausedAtProductionAsync();
        var t0 = approval.RequestedAt;
        Assert.Equal([t0.AddMinutes(15), t0.AddMinutes(30), t0.AddHours(1)],
            _h.Scheduler.ApprovalChecks.Where(c => c.ApprovalId == approval.Id).Select(c => c.At));

        async Task Rung(DateTimeOffset at, ThreadEvent? expected)
        {
            var before = (await _h.EventsAsync(id)).Count;
            var result = await AdvanceAtAsync(id, approval.Id, at);
            var added = (await _h.EventsAsync(id)).Skip(before).Select(e => e.Data).ToList();
            if (expected is null)
            {
                Assert.False(result.Accepted, $"nothing is due at {at - t0}");
                Assert.Empty(added);
                return;
            }
            Assert.True(result.Accepted, result.Message);
            Assert.Equal(TestSupport.StateJson.Of(expected), TestSupport.StateJson.Of(added[0]));
            Assert.Equal(MessageKeys.Approval(approval.Id), Assert.IsType<MessageQueued>(added[1]).MessageKey);
        }

        await Rung(t0.AddMinutes(14), null);
        await Rung(t0.AddMinutes(15), new ApprovalReminded(approval.Id));
        await Rung(t0.AddMinutes(16), null);
        await Rung(t0.AddMinutes(30), new ApprovalEscalated(approval.Id, ["group:sre-leads"]));
        Assert.Equal(["group:sre-leads"], (await _h.StateAsync(id)).PendingApprovals.Single().EscalatedTo);
        await Rung(t0.AddMinutes(59), null);
        await Rung(t0.AddHours(1), new ApprovalExpired(approval.Id));

        var state = await _h.StateAsync(id);
        Assert.Equal(ApprovalOutcome.Expired, state.FindSettledApproval(approval.Id)!.Outcome);
        Assert.Equal(ThreadStatus.Running, state.Status);
        Assert.Equal(RejectionCodes.ApprovalNotPending, (await AdvanceAtAsync(id, approval.Id, t0.AddHours(2))).Code);

        var ended = await _h.Loop.RunAsync(id);
        Assert.Equal(ThreadStatus.Completed, ended.Status);
        Assert.Equal("Stopped: the approval for deploy_to_production expired before anyone decided.", ended.Summary);
        Assert.DoesNotContain(_h.ReleaseLines(), l => l.Contains("tool=deploy_to_production", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Escalation_LetsTheEscalationGroupDecide()
    {
        var (id, approval) = await PausedAtProductionAsync();

        await AdvanceAtAsync(id, approval.Id, approval.RequestedAt.AddMinutes(15));
        _h.Time.SetUtcNow(approval.RequestedAt.AddMinutes(20));
        var early = await _h.Service.DecideApprovalAsync(id, approval.Id, approve: true, CoreHarness.User("sam"), null);
        Assert.Equal(RejectionCodes.ApprovalNotAllowed, early.Code);

        await AdvanceAtAsync(id, approval.Id, approval.RequestedAt.AddMinutes(30));
        var granted = await _h.Service.DecideApprovalAsync(id, approval.Id, approve: true, CoreHarness.User("sam"), "on call lead");

        Assert.True(granted.Accepted, granted.Message);
        Assert.Equal(ApprovalOutcome.Granted, granted.State!.FindSettledApproval(approval.Id)!.Outcome);
        var done = await _h.Loop.RunAsync(id);
        Assert.Equal(ThreadStatus.Completed, done.Status);
        Assert.Single(_h.ReleaseLines(), l => l.Contains("tool=deploy_to_production", StringComparison.Ordinal));
    }
}
