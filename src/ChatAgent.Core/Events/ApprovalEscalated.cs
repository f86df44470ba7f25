namespace ChatAgent.Core.Events;

/// <summary>The approval ladder's second rung: the approval now also goes to <see cref="To"/>.</summary>
public sealed record ApprovalEscalated(string ApprovalId, IReadOnlyList<string> To) : ThreadEvent;
