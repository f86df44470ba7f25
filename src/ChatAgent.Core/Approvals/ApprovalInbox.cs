using ChatAgent.Core.Runtime;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Threads;

namespace ChatAgent.Core.Approvals;

/// <summary>
/// What awaits a person: every pending approval of a waiting thread that they may decide now (members of the
/// <c>operators</c> group: every pending approval), the soonest to expire first. One rule for every inbox — the <c>pending</c>
/// chat command, Slack's App Home, Teams' personal chat, the web chat's "Awaiting you" and <c>GET /api/approvals</c>.
/// </summary>
public sealed class ApprovalInbox(ThreadService threads, ApproverDirectory approvers)
{
    /// <summary>How many waiting threads one look reads (the most recently active ones).</summary>
    public const int WaitingThreads = 100;

    public async Task<IReadOnlyList<InboxItem>> ForAsync(string userId, CancellationToken ct = default)
    {
        var operatorSeesAll = approvers.IsOperator(userId);
        var items = new List<InboxItem>();
        foreach (var summary in await threads.ListAsync(new ThreadQuery(ThreadStatus.AwaitingHuman.WireName(), Limit: WaitingThreads), ct))
        {
            if (summary.PendingApprovals == 0 || await threads.GetStateAsync(summary.Id, null, ct) is not { } state) continue;
            items.AddRange(state.PendingApprovals
                .Where(a => operatorSeesAll || approvers.CheckMayDecide(a, userId) is null)
                .Select(a => new InboxItem(state, a)));
        }
        return [.. items.OrderBy(i => i.Approval.ExpiresAt).ThenBy(i => i.Approval.Id, StringComparer.Ordinal)];
    }
}

/// <summary>One approval waiting for a person, with the thread it belongs to.</summary>
public sealed record InboxItem(ThreadState Thread, PendingApproval Approval);
