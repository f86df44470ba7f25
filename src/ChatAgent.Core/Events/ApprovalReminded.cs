namespace ChatAgent.Core.Events;

/// <summary>The approval ladder's first rung: the approvers were reminded.</summary>
public sealed record ApprovalReminded(string ApprovalId) : ThreadEvent;
