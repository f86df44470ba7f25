namespace ChatAgent.Core.Events;

/// <summary>
/// A precondition or verification of a tool call did not hold: the call was blocked (precondition) or its step failed
/// (verify). Always followed by an <c>error</c> with source <c>precondition</c> or <c>verification</c>. In a dry run,
/// <see cref="DryRun"/> is <see cref="DryRunMarks.Recorded"/>: the origin's failed outcome of the same check, reused.
/// </summary>
public sealed record CheckFailed(string ToolCallId, string Tool, string Phase, string Check, string Message, string? Detail = null, string? DryRun = null) : ThreadEvent;
