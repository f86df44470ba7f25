using ChatAgent.Core.Threads;
using Microsoft.Extensions.Options;

namespace ChatAgent.Core.Approvals;

/// <summary>
/// Answers "may this person decide this approval?". Policy approvers are user ids or <c>group:&lt;name&gt;</c>;
/// groups come from configuration. When the policy resolves to nobody (no approvers listed, or only empty
/// groups) anyone may approve — except the requester, unless the policy allows self-approval.
/// </summary>
public sealed class ApproverDirectory(IOptions<ApprovalOptions> options)
{
    public const string GroupPrefix = "group:";

    /// <summary>Everyone who may decide the approval now (including escalation targets); empty means "anyone".</summary>
    public IReadOnlySet<string> ResolveApprovers(PendingApproval approval)
    {
        var entries = approval.Policy.Approvers.Concat(approval.EscalatedTo ?? []);
        var result = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in entries)
        {
            if (entry.StartsWith(GroupPrefix, StringComparison.OrdinalIgnoreCase))
            {
                if (options.Value.Groups.TryGetValue(entry[GroupPrefix.Length..], out var members))
                    result.UnionWith(members.Where(m => !string.IsNullOrWhiteSpace(m)));
            }
            else
            {
                result.Add(entry);
            }
        }
        return result;
    }

    /// <summary>Null when allowed; otherwise the reason code and a sentence for the person.</summary>
    public (string Code, string Message)? CheckMayDecide(PendingApproval approval, string userId)
    {
        if (!approval.Policy.AllowSelfApproval && string.Equals(approval.RequestedBy, userId, StringComparison.OrdinalIgnoreCase))
            return ("approval.self", "You asked for this action, and its policy doesn't let the requester approve it. Someone else has to decide.");
        var approvers = ResolveApprovers(approval);
        if (approvers.Count > 0 && !approvers.Contains(userId))
            return ("approval.not_allowed", $"You are not an approver for {approval.Tool}. Approvers: {Describe(approval)}.");
        return null;
    }

    /// <summary>The policy's approvers as people read them (groups by name).</summary>
    public static string Describe(PendingApproval approval)
    {
        var all = approval.Policy.Approvers.Concat(approval.EscalatedTo ?? []).ToList();
        return all.Count == 0 ? "anyone but the requester" : string.Join(", ", all);
    }
}
