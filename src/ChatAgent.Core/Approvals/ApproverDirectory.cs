using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Threads;
using ChatAgent.Core.Tools;
using Microsoft.Extensions.Options;

namespace ChatAgent.Core.Approvals;

/// <summary>
/// Answers "may this person decide this approval?" and "may this person steer this thread?". Policy approvers are
/// user ids or <c>group:&lt;name&gt;</c>; groups come from configuration and list people by name or platform ids.
/// Everything compares people (<see cref="PeopleDirectory"/>), not platform ids. In local mode a policy that resolves
/// to nobody lets anyone but the requester decide (unless self-approval is allowed); in exposed mode it lets nobody.
/// </summary>
public sealed class ApproverDirectory(IOptions<ApprovalOptions> options, PeopleDirectory? people = null)
{
    public const string GroupPrefix = "group:";

    private readonly PeopleDirectory _people = people ?? PeopleDirectory.Empty;

    public PeopleDirectory People => _people;

    /// <summary>Everyone who may decide the approval now (including escalation targets), as platform ids or <c>person:</c> names; empty means "anyone" in local mode.</summary>
    public IReadOnlySet<string> ResolveApprovers(PendingApproval approval)
    {
        var result = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in approval.Policy.Approvers.Concat(approval.EscalatedTo ?? []))
            result.UnionWith(Members(entry));
        return result;
    }

    /// <summary>The members an approver entry stands for: a group's members, a person's ids, or the id itself.</summary>
    public IReadOnlyList<string> Members(string entry)
    {
        if (!entry.StartsWith(GroupPrefix, StringComparison.OrdinalIgnoreCase)) return [.. Expand(entry)];
        if (!options.Value.Groups.TryGetValue(entry[GroupPrefix.Length..], out var members)) return [];
        return [.. members.Where(m => !string.IsNullOrWhiteSpace(m)).SelectMany(m => Expand(m.Trim()))];
    }

    /// <summary>A person listed by name stands for all their ids; a platform id for itself.</summary>
    private IEnumerable<string> Expand(string member) =>
        member.Contains(':') ? [member] : _people.IdsOf(member) is { Count: > 0 } ids ? ids : ["person:" + member];

    /// <summary>Null when allowed; otherwise the reason code and a sentence for the person.</summary>
    public (string Code, string Message)? CheckMayDecide(PendingApproval approval, string userId)
    {
        if (!approval.Policy.AllowSelfApproval && _people.SamePerson(approval.RequestedBy, userId))
            return ("approval.self", "You asked for this action, and its policy doesn't let the requester approve it. Someone else has to decide.");
        var approvers = ResolveApprovers(approval);
        if (approvers.Count == 0 && options.Value.Exposed)
            return ("approval.not_allowed", $"No one is configured to approve {approval.Tool} ({Describe(approval)}), so no one can.");
        if (approvers.Count > 0 && !IsAmong(approvers, userId))
            return ("approval.not_allowed", $"You are not an approver for {approval.Tool}. Approvers: {Describe(approval)}.");
        return null;
    }

    /// <summary>
    /// Whether <paramref name="userId"/> may approve calls under <paramref name="policy"/> in general (its approvers and
    /// escalation groups; with none configured, anyone unless the bot is exposed beyond loopback).
    /// </summary>
    public bool MayApprove(ApprovalPolicy? policy, string userId)
    {
        if (policy is null) return false;
        var approvers = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in policy.Approvers.Concat(policy.EscalateTo ?? [])) approvers.UnionWith(Members(entry));
        return approvers.Count == 0 ? !options.Value.Exposed : IsAmong(approvers, userId);
    }

    /// <summary>
    /// Pause, resume, abort, retry and answers: the requester, anyone who may decide one of its pending approvals, or
    /// the <c>operators</c> group. Local mode lets anyone steer (only loopback can reach the bot); system actors always may.
    /// </summary>
    public (string Code, string Message)? CheckMaySteer(ThreadState state, Actor actor)
    {
        if (!options.Value.Exposed || actor.Kind != Actor.UserKind) return null;
        if (_people.SamePerson(state.RequestedBy, actor.Id) || IsOperator(actor.Id)) return null;
        if (state.PendingApprovals.Any(a => IsAmong(ResolveApprovers(a), actor.Id))) return null;
        return (RejectionCodes.SteerNotAllowed,
            $"Only the person who started thread {state.Id}, the people who may decide its approval, or the {ApprovalOptions.OperatorsGroup} group may change it.");
    }

    /// <summary>
    /// Whom a nudge of the ladder names, as platform ids: for an escalation the groups it escalated to, for a reminder
    /// everyone who may decide but the requester. A renderer mentions the ids of its own platform.
    /// </summary>
    public IReadOnlyList<string> ToNudge(PendingApproval approval, bool escalation)
    {
        var entries = escalation ? approval.EscalatedTo ?? [] : approval.Policy.Approvers.Concat(approval.EscalatedTo ?? []);
        return [.. entries.SelectMany(Members).Where(m => m.Contains(':') && !m.StartsWith("person:", StringComparison.OrdinalIgnoreCase)
            && !_people.SamePerson(m, approval.RequestedBy)).Distinct(StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>Members of the <c>operators</c> group see and steer every thread.</summary>
    public bool IsOperator(string userId) => IsAmong(Members(GroupPrefix + ApprovalOptions.OperatorsGroup), userId);

    private bool IsAmong(IEnumerable<string> members, string userId)
    {
        var person = _people.PersonOf(userId);
        return members.Any(m => string.Equals(m.StartsWith("person:", StringComparison.OrdinalIgnoreCase) ? m : _people.PersonOf(m), person, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The policy's approvers as people read them: each group by name with its members.</summary>
    public string Describe(PendingApproval approval)
    {
        var all = approval.Policy.Approvers.Concat(approval.EscalatedTo ?? []).ToList();
        if (all.Count == 0) return options.Value.Exposed ? "no one" : "anyone but the requester";
        return string.Join(", ", all.Select(entry =>
        {
            if (!entry.StartsWith(GroupPrefix, StringComparison.OrdinalIgnoreCase)) return entry;
            var members = options.Value.Groups.GetValueOrDefault(entry[GroupPrefix.Length..])?.Where(m => !string.IsNullOrWhiteSpace(m)).ToList() ?? [];
            return members.Count == 0
                ? entry + (options.Value.Exposed ? " (empty)" : " (empty: anyone but the requester)")
                : $"{entry} ({string.Join(", ", members)})";
        }));
    }
}
