using ChatAgent.Core.Events;
using ChatAgent.Core.Threads;

namespace ChatAgent.Core.Runtime;

/// <summary>The outbox entries a step writes beside its facts: the status line, the final message, the approval card's refresh.</summary>
public static class StepEvents
{
    public static (ThreadEvent, Actor) Status(ThreadState state, string line) =>
        (new MessageQueued(MessageKeys.Status, "status", StatusText.Line(state, line)), Actor.System);

    public static (ThreadEvent, Actor) Final(ThreadState state, string summary) =>
        (new MessageQueued(MessageKeys.Final, "final", state.DryRun ? "Dry run: " + summary : summary), Actor.System);

    /// <summary>
    /// After an approved call ran: its approval card is rendered again (from the state this append makes), so people
    /// who approved it see whether it ran and what its verification found. Nothing for a call without an approval.
    /// </summary>
    public static IEnumerable<(ThreadEvent, Actor)> ApprovalCardUpdate(ThreadState state, string toolCallId, string what)
    {
        if (state.SettledApprovals.Find(a => a.ToolCallId == toolCallId) is { } approval)
            yield return (new MessageQueued(MessageKeys.Approval(approval.Id), "approval", $"{approval.Tool} {what}", approval.Id), Actor.System);
    }

    /// <summary>Error detail kept in the context: the first 500 characters (factor 9).</summary>
    public static string? Compact(string? detail) =>
        detail is null ? null : detail.Length <= 500 ? detail : detail[..500] + $"… ({detail.Length - 500} more characters)";
}
