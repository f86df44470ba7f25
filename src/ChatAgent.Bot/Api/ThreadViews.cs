using ChatAgent.Core.Runtime;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Threads;

namespace ChatAgent.Bot.Api;

/// <summary>
/// The one mapper from Core's thread state to the public contract (<see cref="ThreadView"/>, <see cref="ThreadListItem"/>).
/// Whatever is not mapped here never leaves the process.
/// </summary>
public static class ThreadViews
{
    public static ThreadView View(ThreadState s) => new(
        s.Id,
        s.Agent,
        s.Status.WireName(),
        s.Input,
        s.Arguments,
        new OriginView(s.Origin.Platform, s.Origin.Conversation),
        s.RequestedBy,
        s.ParentThreadId,
        s.ForkedFrom is { } fork ? new ForkView(fork.ThreadId, fork.Seq, s.DryRun) : null,
        s.Step,
        s.MaxSteps,
        s.Version,
        s.StartedAt,
        s.UpdatedAt,
        s.Messages.GetValueOrDefault(MessageKeys.Status)?.Text,
        [.. s.PendingApprovals.Select(Approval)],
        [.. s.SettledApprovals.Select(a => new SettledApprovalView(a.Id, a.ToolCallId, a.Tool, a.Outcome, [.. a.Votes.Select(Vote)], a.At) { Amendments = Amendments(a.Amendments) })],
        s.PendingQuestion is { } q ? new QuestionView(q.Id, q.Question, q.To, q.AskedAt) : null,
        [.. s.Checks.Select(Check)],
        [.. s.Results.Select(r => new ResultView(r.ToolCallId, r.Tool, r.Result))],
        [.. s.Children.Values.Select(c => new ChildView(c.StepId, c.ThreadId, c.Agent, c.Input, c.Status, c.Finished, c.Summary))],
        [.. s.ChildApprovals.Select(a => new ChildApprovalView(a.ChildThreadId, a.ApprovalId, a.Tool, a.Parameters, a.ExpiresAt))],
        s.PausedReason,
        s.PausedDetail,
        s.Escalated,
        s.Summary,
        s.FinalResult,
        s.FailureReason);

    /// <summary>A list row, from the thread-list projection (itself folded from the same state).</summary>
    public static ThreadListItem ListItem(ThreadSummary s) =>
        new(s.Id, s.Agent, s.Status, s.Step, s.MaxSteps, s.Platform, s.RequestedBy, s.PendingApprovals, s.ParentThreadId, s.StartedAt, s.UpdatedAt);

    private static ApprovalView Approval(PendingApproval a) => new(
        a.Id, a.ToolCallId, a.Tool, a.Parameters, a.Reason, a.RequestedBy, a.RequestedAt, a.ExpiresAt,
        a.Policy.Approvers, a.Policy.Quorum, [.. a.Votes.Select(Vote)], a.EscalatedTo ?? [], [.. (a.Checks ?? []).Select(Check)])
    {
        Editable = a.Policy.Editable,
        Amendments = Amendments(a.Amendments),
        AllowFor = a.Policy.GrantOffer is { } offer ? Core.Tools.Durations.Format(offer) : null,
    };

    /// <summary>One entry of a person's approvals inbox (<c>GET /api/approvals</c>).</summary>
    public static InboxItemView InboxItem(Core.Approvals.InboxItem i) => new(i.Thread.Id, i.Thread.Agent, i.Thread.Status.WireName(), Approval(i.Approval));

    private static IReadOnlyList<AmendmentView> Amendments(IEnumerable<ApprovalAmendment> amendments) =>
        [.. amendments.Select(m => new AmendmentView(m.By, m.ByName, m.Changes, m.Reason, m.At))];

    private static VoteView Vote(ApprovalVote v) => new(v.By, v.ByName, v.Granted, v.Comment, v.At) { Grant = v.Grant };

    private static CheckView Check(CheckOutcome c) => new(c.ToolCallId, c.Tool, c.Phase, c.Check, c.Passed, c.Message, c.At);
}
