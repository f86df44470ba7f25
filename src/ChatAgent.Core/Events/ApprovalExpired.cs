namespace ChatAgent.Core.Events;

/// <summary>Nobody decided in time; the approval counts as denied.</summary>
public sealed record ApprovalExpired(string ApprovalId) : ThreadEvent;
