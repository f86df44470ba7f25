namespace ChatAgent.Core.Runtime;

/// <summary>
/// The answer to a command: accepted (with the thread's state after it) or rejected with a stable reason
/// code (<c>approval.not_pending</c>, <c>approval.not_allowed</c>, <c>approval.expired</c>, …) and a sentence
/// an adapter can show the person as is. Never a silent no-op.
/// </summary>
public sealed record CommandResult(bool Accepted, ThreadState? State, string? Code = null, string? Message = null)
{
    public static CommandResult Ok(ThreadState state, string? message = null) => new(true, state, null, message);

    public static CommandResult Reject(string code, string message, ThreadState? state = null) => new(false, state, code, message);

    /// <summary>True when the command was a repeat of one already applied (a duplicate delivery).</summary>
    public bool Duplicate { get; init; }
}

/// <summary>Stable rejection codes.</summary>
public static class RejectionCodes
{
    public const string AgentUnknown = "agent.unknown";
    public const string Usage = "input.usage";
    public const string CommandUnknown = "command.unknown";
    public const string ThreadNotFound = "thread.not_found";
    public const string ThreadEnded = "thread.ended";
    public const string ThreadNotPaused = "thread.not_paused";
    public const string ThreadAlreadyPaused = "thread.already_paused";
    public const string ApprovalNotFound = "approval.not_found";
    public const string ApprovalNotPending = "approval.not_pending";
    public const string ApprovalNotAllowed = "approval.not_allowed";
    public const string ApprovalSelf = "approval.self";
    public const string ApprovalExpired = "approval.expired";
    public const string ApprovalAlreadyVoted = "approval.already_voted";
    public const string ApprovalNotEditable = "approval.not_editable";
    public const string ApprovalInvalidParameters = "approval.invalid_parameters";
    public const string GrantNotGrantable = "grant.not_grantable";
    public const string GrantTooLong = "grant.too_long";
    public const string GrantSelf = "grant.self";
    public const string GrantNotFound = "grant.not_found";
    public const string GrantNotAllowed = "grant.not_allowed";
    public const string GrantRevoked = "grant.revoked";
    public const string QuestionNotPending = "question.not_pending";
    public const string Busy = "thread.busy";
    public const string SteerNotAllowed = "thread.not_allowed";
    public const string ForkSeqUnknown = "fork.seq_unknown";
    public const string ForkDryRunOnly = "fork.dry_run_only";
    public const string ForkPromptUnknown = "fork.prompt_unknown";
    public const string ForkPlannerUnknown = "fork.planner_unknown";
    public const string ForkWorkflow = "fork.workflow";
}
