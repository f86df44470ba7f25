using ChatAgent.Core.Agents;
using ChatAgent.Core.Approvals;
using ChatAgent.Core.Events;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Threads;
using ChatAgent.Core.Tools;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace ChatAgent.Core.Runtime;

/// <summary>
/// Launch, pause, resume, decide, answer (factor 6). Each command reads the thread, decides against its
/// state, and appends at the version it read; on a conflict it reloads and decides again, so concurrent
/// clicks decide once. Every accepted command is durable before this returns, in one commit: its events and the
/// wake-ups for the work it asks for (a run, a delivery), which a dispatcher hands on after the answer has gone out.
/// </summary>
public sealed class ThreadService(
    IEventStore store,
    IAgentCatalog catalog,
    ApproverDirectory approvers,
    ToolValidator validator,
    TimeProvider time,
    IIdGenerator ids,
    ILogger<ThreadService> log,
    Grants.IGrantIndex? grants = null)
{
    private readonly CommandWriter _writer = new(store, time);

    public async Task<CommandResult> LaunchAsync(LaunchCommand command, CancellationToken ct = default)
    {
        var agent = catalog.FindAgent(command.Agent);
        if (agent is null)
            return CommandResult.Reject(RejectionCodes.AgentUnknown,
                $"There is no agent called '{command.Agent}'. Agents: {string.Join(", ", catalog.Agents.Select(a => a.Name))}.");
        // A launch without arguments runs with the agent's default input, when it declares one.
        if (string.IsNullOrWhiteSpace(command.Input) && command.Arguments is null && agent.DefaultInput is { } defaultInput)
            command = command with { Input = defaultInput };
        var arguments = command.Arguments;
        if (arguments is null && !agent.Command.TryParse(command.Input, out arguments))
            return CommandResult.Reject(RejectionCodes.Usage, $"Usage: {agent.Command.Usage(agent.Name)}");

        var threadId = ids.NewId("th");
        var now = time.GetUtcNow();
        var started = new ThreadStarted(agent.Name, command.Input, arguments!, command.Origin, command.MaxSteps ?? agent.MaxSteps, command.ParentThreadId);
        var events = new List<NewEvent>
        {
            new(started, command.Actor, now),
            new(new UserInput(command.Input), command.Actor, now),
        };
        if (agent.Messages.Status)
            events.Add(new(new MessageQueued(MessageKeys.Status, "status", StatusText.Started(agent.Name, command.Input, command.Actor)), Actor.System, now));
        var state = ThreadReducer.Replay(events.Select((e, i) => new StoredEvent(threadId, i + 1, e.At, e.Actor, e.Data)));
        try
        {
            // One run per launch: it delivers the queued "started" message when it first stops.
            await store.AppendAsync(threadId, 0, events, ThreadSummary.From(state), command.DeliveryKey, [ThreadWakeup.Run(threadId)], ct);
        }
        catch (DuplicateDeliveryException dup)
        {
            var existing = dup.ExistingThreadId is null ? null : await LoadAsync(dup.ExistingThreadId, ct);
            return (existing is null
                ? CommandResult.Reject("delivery.duplicate", "This request was already handled.")
                : CommandResult.Ok(existing, $"Already started as {existing.Id}.")) with { Duplicate = true };
        }
        log.LogInformation("Launched thread {ThreadId} of agent {Agent} for {User} from {Platform}", threadId, agent.Name, command.Actor.Id, command.Origin.Platform);
        return CommandResult.Ok(state);
    }

    public Task<CommandResult> PauseAsync(string threadId, Actor actor, CancellationToken ct = default) =>
        _writer.ExecuteAsync(threadId, ct, state =>
        {
            if (MaySteer(state, actor) is { } refused) return refused;
            if (state.IsEnded) return CommandDecision.Rejected(RejectionCodes.ThreadEnded, $"Thread {threadId} has already {state.Status.WireName()}.");
            if (state.Status == ThreadStatus.Paused) return CommandDecision.Rejected(RejectionCodes.ThreadAlreadyPaused, $"Thread {threadId} is already paused.");
            return CommandDecision.Accepted(
                (new ThreadPaused(PauseReasons.Manual, $"Paused by {actor.Display}", Escalated: false), actor),
                (StatusMessage(state, $"Paused by {actor.Display}"), Actor.System));
        }, wake: DeliverAndWakeParent);

    /// <summary>A workflow's child that stops, waits or ends wakes its workflow, which decides what that means.</summary>
    private static ThreadWakeup[] DeliverAndWakeParent(ThreadState child) =>
        child.ParentThreadId is { } parent ? [ThreadWakeup.Deliver(child.Id), ThreadWakeup.Run(parent)] : [ThreadWakeup.Deliver(child.Id)];

    /// <summary>The run first when there is one: the next step is what the person waits for; the card update follows.</summary>
    private static ThreadWakeup[] RunIfRunningAndDeliver(ThreadState s) =>
        s.Status == ThreadStatus.Running ? [ThreadWakeup.Run(s.Id), ThreadWakeup.Deliver(s.Id)] : [ThreadWakeup.Deliver(s.Id)];

    public Task<CommandResult> ResumeAsync(string threadId, Actor actor, string? feedback, CancellationToken ct = default) =>
        _writer.ExecuteAsync(threadId, ct, state =>
        {
            if (MaySteer(state, actor) is { } refused) return refused;
            if (state.IsEnded) return CommandDecision.Rejected(RejectionCodes.ThreadEnded, $"Thread {threadId} has already {state.Status.WireName()}.");
            if (state.Status != ThreadStatus.Paused) return CommandDecision.Rejected(RejectionCodes.ThreadNotPaused, $"Thread {threadId} is not paused (it is {state.Status.WireName()}).");
            var trimmed = string.IsNullOrWhiteSpace(feedback) ? null : feedback.Trim();
            var events = new List<(ThreadEvent, Actor)>
            {
                (new ThreadResumed(trimmed), actor),
                (StatusMessage(state, $"Resumed by {actor.Display}"), Actor.System),
            };
            if (state.Messages.ContainsKey(MessageKeys.Stuck))
                events.Add((new MessageQueued(MessageKeys.Stuck, "stuck", $"Resumed by {actor.Display}" + (trimmed is null ? "" : $" with: {trimmed}")), Actor.System));
            return CommandDecision.Accepted([.. events]);
        }, wake: s => [ThreadWakeup.Run(s.Id), ThreadWakeup.Deliver(s.Id)]);

    /// <summary>Ends a thread for good (the "Abort" button on a stuck card).</summary>
    public Task<CommandResult> AbortAsync(string threadId, Actor actor, string? reason, CancellationToken ct = default) =>
        _writer.ExecuteAsync(threadId, ct, state =>
        {
            if (MaySteer(state, actor) is { } refused) return refused;
            if (state.IsEnded) return CommandDecision.Rejected(RejectionCodes.ThreadEnded, $"Thread {threadId} has already {state.Status.WireName()}.");
            var text = $"Aborted by {actor.Display}" + (string.IsNullOrWhiteSpace(reason) ? "" : $": {reason}");
            var events = new List<(ThreadEvent, Actor)> { (new ThreadFailed("aborted", text), actor), (StatusMessage(state, text), Actor.System) };
            if (state.Messages.ContainsKey(MessageKeys.Stuck)) events.Add((new MessageQueued(MessageKeys.Stuck, "stuck", text), Actor.System));
            return CommandDecision.Accepted([.. events]);
        }, wake: DeliverAndWakeParent);

    /// <summary>
    /// One person's decision. Refuses non-approvers (logged with who tried), the requester when self-approval is
    /// off, a second vote by the same person, a decision after expiry, and any decision on a settled approval
    /// (answering who decided and when) — appending nothing in each case.
    /// </summary>
    public Task<CommandResult> DecideApprovalAsync(string threadId, string approvalId, bool approve, Actor actor, string? comment, CancellationToken ct = default) =>
        DecideAsync(threadId, approvalId, approve, null, actor, comment, ct);

    /// <summary>
    /// "Approve and allow for 1 h": <paramref name="actor"/> approves as <see cref="DecideApprovalAsync"/> does and, in the
    /// same commit, creates a standing grant (<c>grant_created</c>) that lets later calls of the tool with the same values of
    /// the policy's <c>grants.on</c> parameters proceed until <paramref name="allowFor"/> from now. Refused, with nothing
    /// appended, when the tool is not grantable, <paramref name="allowFor"/> exceeds the policy's <c>max_for</c>, or the
    /// approver asked for the call (nobody grants for their own requests).
    /// </summary>
    public Task<CommandResult> ApproveAndAllowAsync(string threadId, string approvalId, TimeSpan allowFor, Actor actor, string? comment, CancellationToken ct = default) =>
        DecideAsync(threadId, approvalId, true, null, actor, comment, ct, allowFor);

    /// <summary>
    /// Edit, then approve: <paramref name="actor"/> approves the pending call with <paramref name="parameters"/> in place of
    /// the proposed ones (<c>approval_amended</c> + their <c>approval_decided</c> on the new hash), under the same refusals as
    /// a decision, plus: the tool forbids edits, or the parameters do not fit its schema (nothing appended).
    /// </summary>
    public Task<CommandResult> ApproveWithChangesAsync(string threadId, string approvalId, JsonElement parameters, Actor actor, string? reason, CancellationToken ct = default) =>
        DecideAsync(threadId, approvalId, true, parameters, actor, reason, ct);

    private Task<CommandResult> DecideAsync(string threadId, string approvalId, bool approve, JsonElement? edited, Actor actor, string? comment, CancellationToken ct, TimeSpan? allowFor = null)
    {
        var expired = false;
        return _writer.ExecuteAsync(threadId, ct, state =>
        {
            if (state.FindPendingApproval(approvalId) is not { } pending)
            {
                if (state.FindSettledApproval(approvalId) is { } settled)
                    return CommandDecision.Rejected(settled.Outcome == ApprovalOutcome.Expired ? RejectionCodes.ApprovalExpired : RejectionCodes.ApprovalNotPending, DescribeSettled(settled));
                return CommandDecision.Rejected(RejectionCodes.ApprovalNotFound, $"There is no approval {approvalId} on thread {threadId}.");
            }
            if (state.IsEnded) return CommandDecision.Rejected(RejectionCodes.ThreadEnded, $"Thread {threadId} has already {state.Status.WireName()}.");
            if (approvers.CheckMayDecide(pending, actor.Id) is { } refusal)
            {
                log.LogWarning("Refused approval decision on {ThreadId}/{ApprovalId} by {User}: {Reason}", threadId, approvalId, actor.Id, refusal.Code);
                return CommandDecision.Rejected(refusal.Code, refusal.Message);
            }
            if (time.GetUtcNow() >= pending.ExpiresAt)
            {
                expired = true;
                return CommandDecision.Accepted(
                    (new ApprovalExpired(approvalId), Actor.System),
                    (new MessageQueued(MessageKeys.Approval(approvalId), "approval", $"Expired: {pending.Tool}", approvalId), Actor.System));
            }
            // Quorum counts people: one person voting from Slack and again from Teams is one vote.
            if (pending.Votes.Any(v => approvers.People.SamePerson(v.By, actor.Id)))
                return CommandDecision.Rejected(RejectionCodes.ApprovalAlreadyVoted, $"You already voted on this approval; it needs {pending.Policy.Quorum} approvers.");
            if (edited is { } parameters) return ApprovalEdits.Decide(pending, catalog.FindTool(pending.Tool), validator, parameters, actor, comment, threadId);
            if (allowFor is { } duration) return Allow(pending, duration, actor, comment);
            var verb = approve ? "Approved" : "Denied";
            return CommandDecision.Accepted(
                (new ApprovalDecided(approvalId, approve, string.IsNullOrWhiteSpace(comment) ? null : comment.Trim(), pending.ParametersHash), actor),
                (new MessageQueued(MessageKeys.Approval(approvalId), "approval", $"{verb} by {actor.Display}: {pending.Tool}", approvalId), Actor.System));
        }, wake: RunIfRunningAndDeliver, map: (result, state) => expired && result.Accepted
            ? CommandResult.Reject(RejectionCodes.ApprovalExpired, $"This approval expired at {state.FindSettledApproval(approvalId)?.At:u}; nothing was run.", state)
            : result);
    }

    private CommandDecision Allow(PendingApproval pending, TimeSpan duration, Actor actor, string? comment)
    {
        if (pending.Policy.Grants is not { } policy || pending.Policy.Quorum > 1)
            return CommandDecision.Rejected(RejectionCodes.GrantNotGrantable, $"{pending.Tool} cannot be allowed for a while: its approval policy has no grants. Approve this call alone.");
        if (duration <= TimeSpan.Zero)
            return CommandDecision.Rejected(RejectionCodes.GrantTooLong, "A grant must last a positive time, such as 30m or 1h.");
        if (duration > policy.MaxFor)
            return CommandDecision.Rejected(RejectionCodes.GrantTooLong, $"A grant for {pending.Tool} lasts at most {Durations.Describe(policy.MaxFor)}.");
        if (approvers.People.SamePerson(pending.RequestedBy, actor.Id))
            return CommandDecision.Rejected(RejectionCodes.GrantSelf, "You asked for this call: nobody grants standing approval for their own requests.");
        var trimmed = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
        var grant = new GrantCreated(ids.NewId("gr"), pending.Id, pending.Tool, Grants.Grant.ConstraintsFrom(policy, pending.Parameters), time.GetUtcNow() + duration, trimmed);
        return CommandDecision.Accepted(
            (new ApprovalDecided(pending.Id, true, trimmed, pending.ParametersHash), actor),
            (grant, actor),
            (new MessageQueued(MessageKeys.Approval(pending.Id), "approval", $"Approved by {actor.Display} and allowed for {Durations.Describe(duration)}: {pending.Tool}", pending.Id), Actor.System));
    }

    /// <summary>
    /// Revokes a standing grant: from the commit on it covers no call. The grantor, an approver of the tool or an operator
    /// may; a second revocation is refused (nothing appended), as is an unknown grant.
    /// </summary>
    public async Task<CommandResult> RevokeGrantAsync(string grantId, Actor actor, string? reason, CancellationToken ct = default)
    {
        if (grants is null || await grants.FindGrantAsync(grantId, ct) is not { } grant)
            return CommandResult.Reject(RejectionCodes.GrantNotFound, $"There is no grant {grantId}.");
        var policy = catalog.FindTool(grant.Tool)?.Approval;
        if (!approvers.People.SamePerson(grant.GrantedBy.Id, actor.Id) && !approvers.MayApprove(policy, actor.Id) && !approvers.IsOperator(actor.Id))
        {
            log.LogWarning("Refused revoking grant {GrantId} by {User}", grantId, actor.Id);
            return CommandResult.Reject(RejectionCodes.GrantNotAllowed, $"Only {grant.GrantedBy.Display}, an approver of {grant.Tool} or an operator can revoke grant {grantId}.");
        }
        return await _writer.ExecuteAsync(grant.ThreadId, ct, state => state.RevokedGrants.Contains(grantId)
            ? CommandDecision.Rejected(RejectionCodes.GrantRevoked, $"Grant {grantId} is already revoked.")
            : CommandDecision.Accepted((new GrantRevoked(grantId, string.IsNullOrWhiteSpace(reason) ? null : reason.Trim()), actor)));
    }

    /// <summary>The standing grants, newest first: only the live ones unless <paramref name="includeEnded"/>.</summary>
    public Task<IReadOnlyList<Grants.Grant>> ListGrantsAsync(bool includeEnded = false, string? tool = null, CancellationToken ct = default) =>
        grants is null ? Task.FromResult<IReadOnlyList<Grants.Grant>>([]) : grants.ListGrantsAsync(tool, includeEnded ? null : time.GetUtcNow(), 200, ct);

    /// <summary>
    /// The approval ladder: when due, expire (deny), escalate to the policy's next group, or remind — one rung per
    /// call, each updating the card. Nothing is appended when no rung is due or the approval is settled.
    /// </summary>
    public Task<CommandResult> AdvanceApprovalLadderAsync(string threadId, string approvalId, CancellationToken ct = default) =>
        _writer.ExecuteAsync(threadId, ct, state =>
        {
            if (state.FindPendingApproval(approvalId) is not { } a || state.IsEnded)
                return CommandDecision.Rejected(RejectionCodes.ApprovalNotPending, "Nothing to do: the approval is settled.");
            var now = time.GetUtcNow();
            var key = MessageKeys.Approval(approvalId);
            if (now >= a.ExpiresAt)
                return CommandDecision.Accepted((new ApprovalExpired(approvalId), Actor.System), (new MessageQueued(key, "approval", $"Expired: {a.Tool}", approvalId), Actor.System));
            // Each rung updates the card in place and posts a nudge: an edited card notifies no one, a new message does.
            if (a.Policy.EscalateAfter is { } esc && now >= a.RequestedAt + esc && a.EscalatedTo is null && a.Policy.EscalateTo is { Count: > 0 } to)
                return CommandDecision.Accepted((new ApprovalEscalated(approvalId, to), Actor.System),
                    (new MessageQueued(key, "approval", $"Escalated to {string.Join(", ", to)}: {a.Tool}", approvalId), Actor.System),
                    (new MessageQueued(MessageKeys.Nudge(approvalId, "escalate"), "nudge", $"Escalated to {string.Join(", ", to)}: {a.Tool} on thread {threadId} needs a decision.", approvalId), Actor.System));
            if (a.Policy.RemindAfter is { } remind && now >= a.RequestedAt + remind && !a.Reminded)
                return CommandDecision.Accepted((new ApprovalReminded(approvalId), Actor.System),
                    (new MessageQueued(key, "approval", $"Reminder: {a.Tool} still needs approval", approvalId), Actor.System),
                    (new MessageQueued(MessageKeys.Nudge(approvalId, "remind"), "nudge", $"Reminder: {a.Tool} on thread {threadId} still needs a decision.", approvalId), Actor.System));
            return CommandDecision.Rejected("approval.not_due", "No rung of the ladder is due yet.");
        }, wake: RunIfRunningAndDeliver);

    /// <summary>Answers the thread's pending <c>ask_human</c> question.</summary>
    public Task<CommandResult> AnswerAsync(string threadId, Actor actor, string text, string? requestId = null, CancellationToken ct = default) =>
        _writer.ExecuteAsync(threadId, ct, state =>
        {
            if (MaySteer(state, actor) is { } refused) return refused;
            if (state.PendingQuestion is not { } question || (requestId is not null && question.Id != requestId))
                return CommandDecision.Rejected(RejectionCodes.QuestionNotPending, $"Thread {threadId} is not waiting for an answer.");
            return CommandDecision.Accepted(
                (new HumanResponded(question.Id, text.Trim()), actor),
                (new MessageQueued(MessageKeys.Question(question.Id), "question", $"{question.Question}\nAnswered by {actor.Display}: {text.Trim()}", RequestId: question.Id), Actor.System));
        }, wake: RunIfRunningAndDeliver);

    public async Task<ThreadState?> GetStateAsync(string threadId, long? at = null, CancellationToken ct = default)
    {
        var events = await store.ReadAsync(threadId, 0, ct);
        if (events.Count == 0) return null;
        return at is { } seq ? ThreadReducer.ReplayUntil(events, seq) : ThreadReducer.Replay(events);
    }

    public Task<IReadOnlyList<StoredEvent>> GetEventsAsync(string threadId, long afterSeq = 0, CancellationToken ct = default) =>
        store.ReadAsync(threadId, afterSeq, ct);

    public Task<IReadOnlyList<ThreadSummary>> ListAsync(ThreadQuery query, CancellationToken ct = default) => store.ListAsync(query, ct);

    private async Task<ThreadState?> LoadAsync(string threadId, CancellationToken ct)
    {
        var events = await store.ReadAsync(threadId, 0, ct);
        return events.Count == 0 ? null : ThreadReducer.Replay(events);
    }

    /// <summary>Null when <paramref name="actor"/> may steer the thread; otherwise the refusal (logged with who tried).</summary>
    private CommandDecision? MaySteer(ThreadState state, Actor actor)
    {
        if (approvers.CheckMaySteer(state, actor) is not { } refusal) return null;
        log.LogWarning("Refused steering of {ThreadId} by {User}: {Reason}", state.Id, actor.Id, refusal.Code);
        return CommandDecision.Rejected(refusal.Code, refusal.Message);
    }

    private static string DescribeSettled(ApprovalOutcome settled)
    {
        if (settled.Outcome == ApprovalOutcome.Expired) return $"This approval expired at {settled.At:u}; nothing was run.";
        var by = settled.DecidingVote;
        var who = by is null ? "someone" : by.ByName ?? by.By;
        return $"Already {settled.Outcome} by {who} at {settled.At:u}" + (by?.Comment is { } c ? $" (\"{c}\")" : "") + ".";
    }

    private MessageQueued StatusMessage(ThreadState state, string line) =>
        new(MessageKeys.Status, "status", StatusText.Line(state, line));
}
