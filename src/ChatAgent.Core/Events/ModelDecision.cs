namespace ChatAgent.Core.Events;

/// <summary>
/// The planner chose the next step. <see cref="RawOutput"/> is exactly what the planner returned,
/// kept even when it was invalid; <see cref="Tool"/> is null when no valid call could be read from it.
/// </summary>
public sealed record ModelDecision(
    string ToolCallId,
    string Planner,
    string PromptHash,
    string RawOutput,
    string? Tool,
    string? Reason = null) : ThreadEvent;
