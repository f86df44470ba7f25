using ChatAgent.Core.Threads;

namespace ChatAgent.Core.Events;

/// <summary>
/// A workflow saw its child change without ending: <see cref="Status"/> is the child's (<c>running</c>,
/// <c>awaiting_human</c>, <c>paused</c>); <see cref="PendingApprovals"/> and <see cref="Question"/> are what it waits for.
/// A child that waits makes the workflow wait.
/// </summary>
public sealed record ChildUpdated(
    string StepId,
    string ChildThreadId,
    string Status,
    IReadOnlyList<ChildApproval> PendingApprovals,
    string? Question = null) : ThreadEvent;
