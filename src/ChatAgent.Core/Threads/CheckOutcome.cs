namespace ChatAgent.Core.Threads;

/// <summary>How one check of a tool call ended (for cards and the audit trail).</summary>
public sealed record CheckOutcome(string ToolCallId, string Tool, string Phase, string Check, bool Passed, string? Message, DateTimeOffset At);
