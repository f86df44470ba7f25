using System.Diagnostics;
using ChatAgent.Core.Threads;
using static ChatAgent.Core.Observability.ChatAgentTelemetry;

namespace ChatAgent.Core.Observability;

/// <summary>The span and counter of one loop step; what the step did is read from the state before and after it.</summary>
public static class StepTelemetry
{
    public static Activity? Start(ThreadState state)
    {
        var activity = Source.StartActivity("chatagent.step");
        if (activity is null) return null;
        activity.SetTag(Tags.ThreadId, state.Id);
        activity.SetTag(Tags.Agent, state.Agent);
        activity.SetTag(Tags.Step, state.Step + 1);
        return activity;
    }

    /// <summary>Tags the span with the tool and outcome and counts the step. <paramref name="after"/> null: another runner moved the thread on.</summary>
    public static void Finish(Activity? activity, ThreadState before, ThreadState? after)
    {
        var outcome = after is null ? "conflict" : Outcome(before, after);
        Steps.Add(1, new(Tags.Agent, before.Agent), new(Tags.Outcome, outcome));
        if (activity is null) return;
        activity.SetTag(Tags.Outcome, outcome);
        if (after is null) return;
        if (after.PendingApprovals.Count > before.PendingApprovals.Count)
        {
            activity.SetTag(Tags.Tool, after.PendingApprovals[^1].Tool);
            activity.SetTag(Tags.ToolKind, "requires_approval");
        }
        else if (after.LastToolCall is { } call && call != before.LastToolCall)
        {
            activity.SetTag(Tags.Tool, call.Tool);
            activity.SetTag(Tags.ToolKind, call.Kind.ToString());
        }
        if (outcome is "error" or "failed") activity.SetStatus(ActivityStatusCode.Error);
    }

    private static string Outcome(ThreadState before, ThreadState after) => after.Status switch
    {
        ThreadStatus.Completed => "completed",
        ThreadStatus.Failed => "failed",
        ThreadStatus.Paused when after.Escalated => "escalated",
        _ when after.ConsecutiveErrors > before.ConsecutiveErrors => "error",
        _ when after.PendingApprovals.Count > before.PendingApprovals.Count => "awaiting_approval",
        _ when after.PendingQuestion is not null && before.PendingQuestion is null => "awaiting_human",
        _ => "ok",
    };
}
