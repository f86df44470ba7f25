using ChatAgent.Core.Tools;

namespace ChatAgent.Core.Threads;

/// <summary>
/// What an approval card tells besides the call itself, from the thread's state: the pre-action checks that ran before
/// the approval was asked, and, once the call ran, whether it ran and what its verification found. One home for the
/// rules, so the Slack, Teams and web cards tell the same story.
/// </summary>
public sealed record ApprovalStory(IReadOnlyList<CheckOutcome> Preconditions, IReadOnlyList<CheckOutcome> Verifications, ActionState Action)
{
    public static ApprovalStory Of(ThreadState thread, string toolCallId)
    {
        var checks = thread.Checks.Where(c => c.ToolCallId == toolCallId).ToList();
        var verifications = checks.Where(c => c.Phase == ToolCheck.Verification).ToList();
        var action = verifications.Any(c => !c.Passed) ? ActionState.VerificationFailed
            : thread.Results.Any(r => r.ToolCallId == toolCallId) ? (verifications.Count > 0 ? ActionState.Verified : ActionState.Ran)
            // Only the latest call is tracked: a failure shows until the thread starts another call.
            : thread.LastToolCall is { } last && last.ToolCallId == toolCallId && last.HasResult ? ActionState.Failed
            : ActionState.NotRun;
        return new ApprovalStory([.. checks.Where(c => c.Phase == ToolCheck.Precondition)], verifications, action);
    }

    /// <summary>One check as people read it: <c>✓ staging runs this version</c>, <c>✗ … : why it failed</c>.</summary>
    public static string Line(CheckOutcome check) =>
        (check.Passed ? "✓ " : "✗ ") + check.Check + (!check.Passed && !string.IsNullOrWhiteSpace(check.Message) ? ": " + check.Message : "");

    /// <summary>The action's outcome as a sentence, or null while it has not run.</summary>
    public string? ActionLine => Action switch
    {
        ActionState.Ran => "Ran.",
        ActionState.Verified => "Ran and verified.",
        ActionState.VerificationFailed => "Ran, but its verification FAILED: check what it did.",
        ActionState.Failed => "Did not succeed: the thread shows the error.",
        _ => null,
    };
}

/// <summary>Where an approved call is: not run yet, ran (with or without verification), or failed.</summary>
public enum ActionState
{
    NotRun,
    Ran,
    Verified,
    VerificationFailed,
    Failed,
}
