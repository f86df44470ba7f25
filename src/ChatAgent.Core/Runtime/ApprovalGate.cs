using System.Text.Json;
using ChatAgent.Core.Agents;
using ChatAgent.Core.Events;
using ChatAgent.Core.Threads;
using ChatAgent.Core.Tools;

namespace ChatAgent.Core.Runtime;

/// <summary>
/// The approval gate (factor 7): a risky call becomes an <c>approval_requested</c> with its card and the ladder's
/// checks scheduled, and runs later only as the very call that was approved (bound by its parameters hash).
/// </summary>
internal sealed class ApprovalGate(IAgentCatalog catalog, IIdGenerator ids, TimeProvider time, IThreadScheduler scheduler,
    Grants.IGrantIndex? grants = null, Approvals.ApproverDirectory? approvers = null)
{
    public async Task RequestAsync(StepWriter step, List<(ThreadEvent, Actor)> prefix, ToolDefinition tool, string toolCallId, JsonElement parameters, string hash, string? reason, CancellationToken ct)
    {
        var state = step.State;
        var policy = tool.Approval ?? ApprovalPolicy.Default;
        var approvalId = ids.NewId("ap");
        var requestedAt = time.GetUtcNow();
        var expiresAt = requestedAt + policy.EffectiveExpiry;
        var requested = new ApprovalRequested(approvalId, toolCallId, tool.Name, parameters, hash, reason, state.RequestedBy, policy, expiresAt);
        if (await CoveringGrantAsync(policy, requested, requestedAt, ct) is { } grant)
        {
            // Asked and answered in one commit: the grant's holder approves, as they said they would, and the run goes on.
            await step.AppendAsync(ct, [
                .. prefix,
                (requested, Actor.Agent),
                (new ApprovalDecided(approvalId, true, null, hash, grant.Id), grant.GrantedBy),
                (new MessageQueued(MessageKeys.Approval(approvalId), "approval", $"Approved by {grant.GrantedBy.Display}'s grant {grant.Id}: {tool.Name}", approvalId), Actor.System)]);
            return;
        }
        await step.AppendAsync(ct, [
            .. prefix,
            (requested, Actor.Agent),
            (new MessageQueued(MessageKeys.Approval(approvalId), "approval", $"Approval needed: {tool.Name}", approvalId), Actor.System),
            StepEvents.Status(state, $"waiting for approval of {tool.Name}")]);
        foreach (var at in LadderTimes(policy, requestedAt, expiresAt))
            await scheduler.ScheduleApprovalCheckAsync(state.Id, approvalId, at, ct);
    }

    /// <summary>
    /// The oldest live grant that covers the call, if the tool is grantable now: same tool, every constraint equal to the
    /// call's parameter, still bound to every parameter the policy's <c>grants.on</c> names today, not granted by the
    /// requester, and granted by someone who may still approve it. Null when none does (the approval is asked as usual).
    /// </summary>
    private async Task<Grants.Grant?> CoveringGrantAsync(ApprovalPolicy policy, ApprovalRequested requested, DateTimeOffset now, CancellationToken ct)
    {
        if (grants is null || approvers is null || policy.Grants is not { } grantable || policy.Quorum > 1) return null;
        var live = await grants.ListGrantsAsync(requested.Tool, now, 200, ct);
        var pending = new PendingApproval(requested.ApprovalId, requested.ToolCallId, requested.Tool, requested.Parameters, requested.ParametersHash,
            requested.Reason, requested.RequestedBy, policy, now, requested.ExpiresAt, []);
        return live
            .Where(g => g.Covers(requested.Tool, requested.Parameters))
            .Where(g => grantable.On.Count == 0 ? g.Constraints.Count >= ConstraintCount(requested.Parameters) : grantable.On.All(g.Constraints.ContainsKey))
            .Where(g => !approvers.People.SamePerson(g.GrantedBy.Id, requested.RequestedBy) && approvers.CheckMayDecide(pending, g.GrantedBy.Id) is null)
            .OrderBy(g => g.CreatedAt).ThenBy(g => g.Id, StringComparer.Ordinal)
            .FirstOrDefault();
    }

    private static int ConstraintCount(JsonElement parameters) => parameters.ValueKind == JsonValueKind.Object ? parameters.EnumerateObject().Count() : 0;

    /// <summary>When the ladder's rungs fall due: the reminder and the escalation when they come before the expiry, then the expiry.</summary>
    public static IEnumerable<DateTimeOffset> LadderTimes(ApprovalPolicy policy, DateTimeOffset requestedAt, DateTimeOffset expiresAt)
    {
        if (policy.RemindAfter is { } remind && requestedAt + remind < expiresAt) yield return requestedAt + remind;
        if (policy.EscalateAfter is { } escalate && requestedAt + escalate < expiresAt) yield return requestedAt + escalate;
        yield return expiresAt;
    }

    /// <summary>
    /// Runs a call whose approval was granted, but only if it is still what people approved: the same parameters hash
    /// as the approval, and a hash recomputed from the parameters that agrees. Anything else is an error, not a run.
    /// </summary>
    /// <remarks>
    /// An approver's edit was never checked before asking: the edited call's preconditions run first, and a failed one
    /// blocks it as it would have blocked the proposed call.
    /// </remarks>
    public async Task RunApprovedAsync(StepWriter step, DecidedCall approved, StepExecutor executor, ToolCheckRunner checks, CancellationToken ct)
    {
        var tool = catalog.FindTool(approved.Tool);
        var approval = step.State.FindSettledApproval(approved.ApprovalId);
        // The approval is bound to what people saw: run only what hashes the same as the approved call.
        var rehash = ToolCallHash.Compute(approved.Tool, approved.Parameters);
        if (tool is null || approval is null || approval.ParametersHash != approved.ParametersHash || rehash != approved.ParametersHash)
        {
            await step.AppendErrorAsync([], new ErrorOccurred("The approved call no longer matches what was approved; it was not run.", null, "system", approved.ToolCallId, approved.Tool), ct);
            return;
        }
        var prefix = new List<(ThreadEvent, Actor)>();
        if (approval.Amendments.Count > 0 && tool.Preconditions.Count > 0)
        {
            var outcome = await checks.RunAsync(ToolCheck.Precondition, tool.Preconditions, step.State, tool, approved.ToolCallId, approved.Parameters, null, ct, step.DryRun);
            prefix.AddRange(outcome.Events.Select(e => (e, Actor.System)));
            if (outcome.Failure is { } failed)
            {
                await step.AppendErrorAsync([.. prefix], new ErrorOccurred(
                    $"Precondition of {tool.Name} failed for the call as edited by its approver ({failed.Check}): {failed.Message}. It was not run.",
                    failed.Detail, "precondition", approved.ToolCallId, tool.Name), ct);
                return;
            }
        }
        await step.AppendAsync(ct, [.. prefix, (new ToolCalled(approved.ToolCallId, tool.Name, approved.Parameters, tool.Kind, approved.ParametersHash), Actor.Agent)]);
        await executor.ExecuteAsync(step, tool, approved.ToolCallId, approved.Parameters, ct);
    }
}
