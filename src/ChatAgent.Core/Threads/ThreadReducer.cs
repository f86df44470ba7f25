using System.Collections.Immutable;
using System.Text.Json;
using ChatAgent.Core.Events;

namespace ChatAgent.Core.Threads;

/// <summary>
/// The stateless reducer (factor 12): <c>State Reduce(State, Event)</c> is pure, so replaying any
/// prefix of a thread's events rebuilds the state it had at that seq (time travel).
/// </summary>
public static class ThreadReducer
{
    public static ThreadState Replay(IEnumerable<StoredEvent> events) => Fold(ThreadState.Empty, events);

    /// <summary><paramref name="state"/> with <paramref name="newer"/> (the events after its version, in order) folded in.</summary>
    public static ThreadState Fold(ThreadState state, IEnumerable<StoredEvent> newer)
    {
        foreach (var e in newer) state = Reduce(state, e);
        return state;
    }

    /// <summary>The state right after event <paramref name="seq"/> (events after it are ignored).</summary>
    public static ThreadState ReplayUntil(IEnumerable<StoredEvent> events, long seq) =>
        Replay(events.TakeWhile(e => e.Seq <= seq));

    public static ThreadState Reduce(ThreadState state, StoredEvent e)
    {
        var s = state with { Version = e.Seq, UpdatedAt = e.At };
        return e.Data switch
        {
            ThreadStarted x => s with
            {
                Id = e.ThreadId,
                Agent = x.Agent,
                Input = x.Input,
                Arguments = x.Arguments.ToImmutableSortedDictionary(StringComparer.Ordinal),
                Origin = x.Origin,
                MaxSteps = x.MaxSteps,
                BudgetPerRound = x.MaxSteps,
                RequestedBy = e.Actor.Id,
                ParentThreadId = x.ParentThreadId,
                ForkedFrom = x.ForkedFrom,
                DryRun = x.DryRun == true,
                Planner = x.Planner,
                StartedAt = e.At,
                Status = ThreadStatus.Running,
            },
            // The launch appends thread_started (with the input) and then user_input with the same text:
            // that is the input, not feedback. Later text is feedback for the next decision.
            UserInput x => s.Input.Length == 0 || (s.Step == 0 && x.Text == s.Input)
                ? s with { Input = x.Text }
                : s with { Feedback = s.Feedback.Add(x.Text) },
            ModelDecision => s with { Step = s.Step + 1, Feedback = [] },
            ToolCalled x => WithdrawDryRunWait(s with
            {
                LastToolCall = new ToolCallState(x.ToolCallId, x.Tool, x.Parameters, x.Kind, x.ParametersHash, x.Attempt, HasResult: false),
                ReadyToRun = s.ReadyToRun?.ToolCallId == x.ToolCallId ? null : s.ReadyToRun,
                AwaitingCalls = s.AwaitingCalls.RemoveAll(c => c.ToolCallId == x.ToolCallId),
            }, x.ToolCallId),
            ToolReturned x => s with
            {
                LastToolCall = MarkResult(s.LastToolCall, x.ToolCallId),
                Results = s.Results.Add(new CompletedCall(x.ToolCallId, x.Tool, x.Result)),
                ConsecutiveErrors = 0,
            },
            ErrorOccurred x => s with
            {
                LastToolCall = x.ToolCallId is null ? s.LastToolCall : MarkResult(s.LastToolCall, x.ToolCallId),
                // A granted call refused before it started (it no longer matches its approval) is settled, not retried:
                // the next decision sees the error instead of the loop failing on the same call again and again.
                ReadyToRun = x.ToolCallId is not null && s.ReadyToRun?.ToolCallId == x.ToolCallId ? null : s.ReadyToRun,
                AwaitingCalls = x.ToolCallId is null || s.ReadyToRun?.ToolCallId != x.ToolCallId ? s.AwaitingCalls : s.AwaitingCalls.RemoveAll(c => c.ToolCallId == x.ToolCallId),
                ConsecutiveErrors = s.ConsecutiveErrors + 1,
                TotalErrors = s.TotalErrors + 1,
            },
            ApprovalRequested x => s with
            {
                PendingApprovals = s.PendingApprovals.Add(new PendingApproval(
                    x.ApprovalId, x.ToolCallId, x.Tool, x.Parameters, x.ParametersHash, x.Reason, x.RequestedBy,
                    x.Policy, e.At, x.ExpiresAt, [], Checks: [.. s.Checks.Where(c => c.ToolCallId == x.ToolCallId)])),
                AwaitingCalls = s.AwaitingCalls.Add(new DecidedCall(x.ToolCallId, x.Tool, x.Parameters, x.ParametersHash, x.ApprovalId)),
                Status = ThreadStatus.AwaitingHuman,
            },
            ApprovalDecided x => ApplyVote(s, x, e),
            ApprovalAmended x => Amend(s, x, e),
            ApprovalReminded x => UpdatePending(s, x.ApprovalId, a => a with { Reminded = true, RemindedAt = e.At }),
            ApprovalEscalated x => UpdatePending(s, x.ApprovalId, a => a with { EscalatedTo = [.. x.To], EscalatedAt = e.At }),
            ApprovalExpired x => s.FindPendingApproval(x.ApprovalId) is { } a ? Settle(s, a, ApprovalOutcome.Expired, e.At) : s,
            HumanContacted x => s with
            {
                PendingQuestion = new HumanRequest(x.RequestId, x.ToolCallId, x.Question, x.To, e.At),
                Status = ThreadStatus.AwaitingHuman,
            },
            HumanResponded x => s.PendingQuestion?.Id != x.RequestId ? s : s with
            {
                PendingQuestion = null,
                Results = s.Results.Add(new CompletedCall(s.PendingQuestion.ToolCallId, "ask_human", Answer(x.Text, e.Actor))),
                ConsecutiveErrors = 0,
                Status = WaitingOrRunning(s.PendingApprovals, null, s.Children, s.Status),
            },
            ThreadPaused x => s with { Status = ThreadStatus.Paused, PausedReason = x.Reason, PausedDetail = x.Detail, Escalated = x.Escalated },
            ThreadResumed x => Resume(s, x),
            MessageQueued x => s with
            {
                Messages = s.Messages.SetItem(x.MessageKey, s.Messages.TryGetValue(x.MessageKey, out var m)
                    ? m with { Kind = x.Kind, Text = x.Text, ApprovalId = x.ApprovalId, RequestId = x.RequestId, Version = e.Seq }
                    : new ChatMessage(x.MessageKey, x.Kind, x.Text, x.ApprovalId, x.RequestId, e.Seq)),
            },
            MessagePosted { To: { } to } x => s.Messages.TryGetValue(x.MessageKey, out var copied)
                ? s with { Messages = s.Messages.SetItem(x.MessageKey, copied with { Copies = copied.Copies.SetItem(to, new MessageCopy(x.Platform, x.Ref,
                    Math.Max(copied.Copies.GetValueOrDefault(to)?.DeliveredVersion ?? 0, x.Version))) }) }
                : s,
            MessagePosted x => s.Messages.TryGetValue(x.MessageKey, out var posted)
                ? s with
                {
                    Messages = s.Messages.SetItem(x.MessageKey, posted with
                    {
                        Platform = x.Platform,
                        Ref = x.Ref,
                        DeliveredVersion = Math.Max(posted.DeliveredVersion, x.Version),
                    }),
                }
                : s,
            ThreadCompleted x => s with { Status = ThreadStatus.Completed, Summary = x.Summary, FinalResult = x.Result, PendingQuestion = null },
            ThreadFailed x => s with { Status = ThreadStatus.Failed, FailureReason = x.Reason, Summary = x.Detail ?? x.Reason },
            ChildStarted x => s with
            {
                Children = s.Children.SetItem(x.StepId, new ChildThread(x.StepId, x.ChildThreadId, x.Agent, x.Input, "running", false, null, null, [])),
            },
            ChildUpdated x => s.Children.TryGetValue(x.StepId, out var updated)
                ? WithChildStatus(s, s.Children.SetItem(x.StepId, updated with { Status = x.Status, PendingApprovals = [.. x.PendingApprovals], Question = x.Question }))
                : s,
            ChildFinished x => s.Children.TryGetValue(x.StepId, out var finished)
                ? WithChildStatus(s, s.Children.SetItem(x.StepId, finished with
                {
                    Status = x.Outcome, Finished = true, Summary = x.Summary, Result = x.Result, PendingApprovals = [], Question = null,
                }))
                : s,
            CheckPassed x => s with { Checks = s.Checks.Add(new CheckOutcome(x.ToolCallId, x.Tool, x.Phase, x.Check, true, null, e.At)) },
            CheckFailed x => s with { Checks = s.Checks.Add(new CheckOutcome(x.ToolCallId, x.Tool, x.Phase, x.Check, false, x.Message, e.At)) },
            // A grant lives in the grants projection; in its thread it is history (the approval it came with is the vote).
            GrantCreated => s,
            GrantRevoked x => s with { RevokedGrants = s.RevokedGrants.Add(x.GrantId) },
            _ => throw new InvalidOperationException($"No reducer arm for event type {e.Data.GetType().Name}"),
        };
    }

    /// <summary>A workflow waits while any of its unfinished children waits for people; it runs again when none does.</summary>
    private static ThreadState WithChildStatus(ThreadState s, ImmutableSortedDictionary<string, ChildThread> children) => s with
    {
        Children = children,
        Status = s.Status is ThreadStatus.Paused or ThreadStatus.Completed or ThreadStatus.Failed ? s.Status
            : children.Values.Any(c => c.Waiting) || !s.PendingApprovals.IsEmpty || s.PendingQuestion is not null ? ThreadStatus.AwaitingHuman
            : ThreadStatus.Running,
    };

    /// <summary>
    /// A dry run asks nobody: a wait it copied from its origin (an approval or a question still open at the fork's seq)
    /// ends when the dry run answers that very call itself, with a <c>tool_call</c> of the same id. A thread that is not
    /// a dry run never calls a tool that still waits for people, so this changes nothing there.
    /// </summary>
    private static ThreadState WithdrawDryRunWait(ThreadState s, string toolCallId)
    {
        if (!s.DryRun) return s;
        var pending = s.PendingApprovals.RemoveAll(a => a.ToolCallId == toolCallId);
        var question = s.PendingQuestion?.ToolCallId == toolCallId ? null : s.PendingQuestion;
        if (pending.Count == s.PendingApprovals.Count && question == s.PendingQuestion) return s;
        return s with { PendingApprovals = pending, PendingQuestion = question, Status = WaitingOrRunning(pending, question, s.Children, s.Status) };
    }

    private static ToolCallState? MarkResult(ToolCallState? last, string toolCallId) =>
        last is not null && last.ToolCallId == toolCallId ? last with { HasResult = true } : last;

    private static ThreadState ApplyVote(ThreadState s, ApprovalDecided x, StoredEvent e)
    {
        if (s.FindPendingApproval(x.ApprovalId) is not { } pending) return s;
        // Once edited, only votes on the edited call count (every vote before an edit was cast on the old hash).
        if (!pending.Amendments.IsEmpty && x.ParametersHash != pending.ParametersHash) return s;
        var vote = new ApprovalVote(e.Actor.Id, e.Actor.Name, x.Granted, x.Comment, e.At) { Grant = x.Grant };
        var updated = pending with { Votes = pending.Votes.Add(vote) };
        // A denial's comment is feedback for the next decision (ThreadState.Feedback's contract), not only history.
        if (!x.Granted)
        {
            var feedback = string.IsNullOrWhiteSpace(x.Comment) ? s.Feedback : s.Feedback.Add($"{pending.Tool} denied by {e.Actor.Display}: {x.Comment}");
            return Settle(s with { Feedback = feedback }, updated, ApprovalOutcome.Denied, e.At);
        }
        var grants = updated.Votes.Where(v => v.Granted).Select(v => v.By).Distinct().Count();
        return grants >= Math.Max(1, pending.Policy.Quorum)
            ? Settle(s, updated, ApprovalOutcome.Granted, e.At)
            : UpdatePending(s, x.ApprovalId, _ => updated);
    }

    /// <summary>
    /// An approver's edit: the pending call (and the call that will run once it is granted) becomes the edited one, with
    /// its own hash, and the votes cast on the call as it was no longer count toward the quorum.
    /// </summary>
    private static ThreadState Amend(ThreadState s, ApprovalAmended x, StoredEvent e)
    {
        if (s.FindPendingApproval(x.ApprovalId) is not { } pending) return s;
        var amended = pending with
        {
            Parameters = x.Parameters,
            ParametersHash = x.ParametersHash,
            Votes = [],
            Amendments = pending.Amendments.Add(new ApprovalAmendment(e.Actor.Id, e.Actor.Name, x.Changes, x.Reason, e.At)),
        };
        return s with
        {
            PendingApprovals = s.PendingApprovals.Replace(pending, amended),
            AwaitingCalls = [.. s.AwaitingCalls.Select(c => c.ApprovalId == x.ApprovalId ? c with { Parameters = x.Parameters, ParametersHash = x.ParametersHash } : c)],
        };
    }

    private static ThreadState Settle(ThreadState s, PendingApproval a, string outcome, DateTimeOffset at)
    {
        var pending = s.PendingApprovals.RemoveAll(p => p.Id == a.Id);
        var call = s.AwaitingCalls.Find(c => c.ApprovalId == a.Id);
        var granted = outcome == ApprovalOutcome.Granted;
        return s with
        {
            PendingApprovals = pending,
            SettledApprovals = s.SettledApprovals.Add(new ApprovalOutcome(a.Id, a.ToolCallId, a.Tool, a.ParametersHash, outcome, a.Votes, at) { Amendments = a.Amendments }),
            AwaitingCalls = granted ? s.AwaitingCalls : s.AwaitingCalls.RemoveAll(c => c.ApprovalId == a.Id),
            ReadyToRun = granted ? call : s.ReadyToRun,
            Status = WaitingOrRunning(pending, s.PendingQuestion, s.Children, s.Status),
        };
    }

    private static ThreadState UpdatePending(ThreadState s, string approvalId, Func<PendingApproval, PendingApproval> update) =>
        s.FindPendingApproval(approvalId) is { } a
            ? s with { PendingApprovals = s.PendingApprovals.Replace(a, update(a)) }
            : s;

    /// <summary>
    /// A thread stays paused or ended while people settle what it waited for; otherwise it waits while an approval, a
    /// question or one of its unfinished children is open (the same rule as <see cref="WithChildStatus"/>), else it runs.
    /// </summary>
    private static ThreadStatus WaitingOrRunning(ImmutableList<PendingApproval> pending, HumanRequest? question,
        ImmutableSortedDictionary<string, ChildThread> children, ThreadStatus current) =>
        current is ThreadStatus.Paused or ThreadStatus.Completed or ThreadStatus.Failed ? current
        : pending.IsEmpty && question is null && !children.Values.Any(c => c.Waiting) ? ThreadStatus.Running
        : ThreadStatus.AwaitingHuman;

    private static ThreadState Resume(ThreadState s, ThreadResumed x)
    {
        var resumed = s with
        {
            Status = WaitingOrRunning(s.PendingApprovals, s.PendingQuestion, s.Children, ThreadStatus.Running),
            PausedReason = null,
            PausedDetail = null,
            Escalated = false,
            ConsecutiveErrors = 0,
            Feedback = string.IsNullOrWhiteSpace(x.Feedback) ? s.Feedback : s.Feedback.Add(x.Feedback!),
            // A person who resumes a thread stuck on its budget grants it another round of steps.
            MaxSteps = s.PausedReason == PauseReasons.StepBudget ? s.Step + s.BudgetPerRound : s.MaxSteps,
        };
        // Resuming after "outcome unknown" means the person has checked: the call is settled, not re-run.
        return s.PausedReason == PauseReasons.OutcomeUnknown && resumed.LastToolCall is { HasResult: false } last
            ? resumed with { LastToolCall = last with { HasResult = true } }
            : resumed;
    }

    private static JsonElement Answer(string text, Actor by) =>
        JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["answer"] = text, ["by"] = by.Id });
}
