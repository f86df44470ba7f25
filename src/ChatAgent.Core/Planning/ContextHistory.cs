using ChatAgent.Core.Events;
using ChatAgent.Core.Threads;
using static ChatAgent.Core.Planning.ContextElement;
using static ChatAgent.Core.Planning.ContextText;

namespace ChatAgent.Core.Planning;

/// <summary>
/// One compact element per event for the <c>&lt;history&gt;</c> section. Events are folded through
/// <see cref="ThreadReducer"/> as they are rendered, so each line can say what the event did (the step
/// it started, whether a vote settled its approval) exactly as the state saw it. Outbox events are omitted.
/// </summary>
internal static class ContextHistory
{
    public static IEnumerable<string> Render(IReadOnlyList<StoredEvent> events, ContextOptions o)
    {
        var state = ThreadState.Empty;
        foreach (var e in events)
        {
            var before = state;
            state = ThreadReducer.Reduce(state, e);
            if (Line(e, before, state, o) is { } line) yield return line;
        }
    }

    /// <summary>The history line of <paramref name="e"/>, given the state just before and after it; null when it is left out.</summary>
    internal static string? Line(StoredEvent e, ThreadState before, ThreadState after, ContextOptions o)
    {
        (string, string?) seq = ("seq", Int(e.Seq)), at = ("at", Time(e.At)), by = ("by", e.Actor.Id);
        return e.Data switch
        {
            ThreadStarted x => Tag("thread_started", [seq, at, by, ("platform", x.Origin.Platform), ("parent", x.ParentThreadId)]),
            // The launch's own user_input repeats <input>; only later text (feedback) is worth the tokens.
            UserInput x => after.Feedback.Count > before.Feedback.Count ? Tag("user_input", [seq, at, by], Truncate(x.Text, o.MaxTextChars)) : null,
            ModelDecision x => Tag("model_decision", [seq, at, ("step", Int(after.Step)), ("id", x.ToolCallId), ("tool", x.Tool ?? "(none)"), ("planner", x.Planner)],
                x.Reason is null ? null : Truncate(x.Reason, o.MaxTextChars)),
            ToolCalled x => Tag("tool_call", [seq, at, ("id", x.ToolCallId), ("tool", x.Tool), ("kind", KindName(x.Kind)), ("attempt", x.Attempt > 1 ? Int(x.Attempt) : null)],
                Truncate(Json(x.Parameters), o.MaxToolOutputChars)),
            // Tool output is data from the outside world, never instructions: marked so, and escaped.
            ToolReturned x => Tag("tool_result", [("tool", x.Tool), ("id", x.ToolCallId), ("trust", "data"), seq, at],
                Truncate(Json(x.Result), o.MaxToolOutputChars)),
            ErrorOccurred x => Parent("error", [seq, at, ("source", x.Source), ("tool", x.Tool), ("id", x.ToolCallId)],
                Tag("message", [], Truncate(x.Message, o.MaxTextChars)) + (string.IsNullOrEmpty(x.Detail) ? "" : Tag("detail", [], Truncate(x.Detail, o.MaxErrorDetailChars)))),
            ApprovalRequested x => Parent("approval_requested", [seq, at, ("id", x.ApprovalId), ("tool", x.Tool), ("call_id", x.ToolCallId),
                    ("quorum", Int(Math.Max(1, x.Policy.Quorum))), ("expires_at", Time(x.ExpiresAt))],
                Tag("parameters", [], Truncate(Json(x.Parameters), o.MaxToolOutputChars)) + (x.Reason is null ? "" : Tag("reason", [], x.Reason))),
            ApprovalDecided x => Tag("approval_decided", [seq, at, ("id", x.ApprovalId), ("vote", x.Granted ? "grant" : "deny"), by, ("name", e.Actor.Name),
                    ("by_grant", x.Grant), ("outcome", SettledNow(before, after, x.ApprovalId))],
                x.Comment is null ? null : Truncate(x.Comment, o.MaxTextChars)),
            // The model proposed one call and people approved another: it must see what changed before it decides again.
            ApprovalAmended x => Tag("approval_amended", [seq, at, ("id", x.ApprovalId), by, ("name", e.Actor.Name)],
                Truncate("changed before approving: " + Tools.ParameterDiff.Describe(x.Changes) + (x.Reason is null ? "" : $" (reason: {x.Reason})"), o.MaxTextChars)),
            ApprovalReminded x => Tag("approval_reminded", [seq, at, ("id", x.ApprovalId)]),
            ApprovalEscalated x => Tag("approval_escalated", [seq, at, ("id", x.ApprovalId), ("to", string.Join(",", x.To))]),
            ApprovalExpired x => Tag("approval_expired", [seq, at, ("id", x.ApprovalId), ("outcome", SettledNow(before, after, x.ApprovalId))]),
            HumanContacted x => Tag("human_contacted", [seq, at, ("id", x.RequestId), ("call_id", x.ToolCallId), ("to", x.To)], Truncate(x.Question, o.MaxTextChars)),
            HumanResponded x => Tag("human_response", [seq, at, ("id", x.RequestId), by, ("name", e.Actor.Name)], Truncate(x.Text, o.MaxTextChars)),
            ThreadPaused x => Tag("thread_paused", [seq, at, ("reason", x.Reason), ("escalated", x.Escalated ? "true" : null), by], x.Detail is null ? null : Truncate(x.Detail, o.MaxTextChars)),
            ThreadResumed x => Tag("thread_resumed", [seq, at, by], x.Feedback is null ? null : Truncate(x.Feedback, o.MaxTextChars)),
            ThreadCompleted x => Tag("thread_completed", [seq, at], Truncate(x.Summary, o.MaxTextChars)),
            ThreadFailed x => Tag("thread_failed", [seq, at, ("reason", x.Reason)], x.Detail is null ? null : Truncate(x.Detail, o.MaxErrorDetailChars)),
            GrantCreated x => Tag("grant_created", [seq, at, ("id", x.GrantId), ("tool", x.Tool), by, ("expires_at", Time(x.ExpiresAt))],
                Truncate("later calls with " + new Grants.Grant(x.GrantId, "", x.ApprovalId, x.Tool, x.Constraints, e.Actor, e.At, x.ExpiresAt, x.Comment).DescribeConstraints() + " need no approval until then", o.MaxTextChars)),
            GrantRevoked x => Tag("grant_revoked", [seq, at, ("id", x.GrantId), by], x.Reason is null ? null : Truncate(x.Reason, o.MaxTextChars)),
            MessageQueued or MessagePosted => null,
            _ => Tag(e.Data.Type, [seq, at]),
        };
    }

    /// <summary>The outcome when this event settled the approval; null for a vote that only counted.</summary>
    private static string? SettledNow(ThreadState before, ThreadState after, string approvalId) =>
        before.FindPendingApproval(approvalId) is not null && after.FindSettledApproval(approvalId) is { } settled ? settled.Outcome : null;

    internal static string KindName(Tools.ToolKind kind) => kind switch
    {
        Tools.ToolKind.Immediate => "immediate",
        Tools.ToolKind.RequiresApproval => "requires_approval",
        Tools.ToolKind.Human => "human",
        Tools.ToolKind.Terminal => "terminal",
        _ => kind.ToString(),
    };
}
