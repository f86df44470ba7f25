using System.Text.Json;
using ChatAgent.Core.Events;
using ChatAgent.Core.Threads;
using ChatAgent.Core.Tools;

namespace ChatAgent.Core.Runtime;

/// <summary>
/// Edit, then approve: the events for an approver who changes a pending call's parameters and approves the edited
/// call, or the refusal — the tool forbids edits (<c>editable: false</c>), or the edit is not an object of the tool's
/// schema. An edit that changes nothing is a plain approval.
/// </summary>
internal static class ApprovalEdits
{
    public static CommandDecision Decide(PendingApproval pending, ToolDefinition? tool, ToolValidator validator, JsonElement parameters, Actor actor, string? reason, string threadId)
    {
        if (!pending.Policy.Editable)
            return CommandDecision.Rejected(RejectionCodes.ApprovalNotEditable, $"{pending.Tool} does not allow changes before approval; approve or deny it as asked.");
        if (tool is null)
            return CommandDecision.Rejected(RejectionCodes.ApprovalInvalidParameters, $"The tool {pending.Tool} is no longer defined, so its parameters cannot be changed.");
        var errors = validator.Validate(tool, parameters);
        if (errors.Count > 0)
            return CommandDecision.Rejected(RejectionCodes.ApprovalInvalidParameters, $"The changed parameters are not valid for {tool.Name}: {string.Join("; ", errors)}.");
        var hash = ToolCallHash.Compute(tool.Name, parameters);
        var comment = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        var card = MessageKeys.Approval(pending.Id);
        if (hash == pending.ParametersHash)
            return CommandDecision.Accepted(
                (new ApprovalDecided(pending.Id, true, comment, pending.ParametersHash), actor),
                (new MessageQueued(card, "approval", $"Approved by {actor.Display}: {pending.Tool}", pending.Id), Actor.System));
        var changes = ParameterDiff.Between(pending.Parameters, parameters);
        var diff = ParameterDiff.Describe(changes);
        var told = $"{actor.Display} changed {pending.Tool} before approving it on thread {threadId}: {diff}" + (comment is null ? "." : $" (\"{comment}\").");
        return CommandDecision.Accepted(
            (new ApprovalAmended(pending.Id, parameters.Clone(), hash, pending.ParametersHash, changes, comment), actor),
            (new ApprovalDecided(pending.Id, true, comment, hash), actor),
            (new MessageQueued(card, "approval", $"Approved with changes by {actor.Display}: {pending.Tool} ({diff})", pending.Id), Actor.System),
            // The requester is told in a new message (an edited card notifies no one).
            (new MessageQueued(MessageKeys.Amended(pending.Id), "amended", told, pending.Id), Actor.System));
    }
}
