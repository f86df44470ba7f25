namespace ChatAgent.Core.Events;

/// <summary>
/// Something went wrong in a step and is fed back to the planner. <see cref="Detail"/> is already
/// compacted (at most 500 characters). <see cref="Source"/>: <c>planner</c>, <c>validation</c>,
/// <c>tool</c>, <c>precondition</c>, <c>verification</c> or <c>system</c>.
/// </summary>
public sealed record ErrorOccurred(
    string Message,
    string? Detail,
    string Source,
    string? ToolCallId = null,
    string? Tool = null) : ThreadEvent;
