using System.Collections.Immutable;
using System.Text.Json;

namespace ChatAgent.Core.Threads;

/// <summary>
/// A workflow's child thread as the workflow last saw it. <see cref="Status"/> is the child's status while it runs,
/// then its outcome (<c>completed</c>, <c>denied</c>, <c>failed</c>) once <see cref="Finished"/>.
/// </summary>
public sealed record ChildThread(
    string StepId,
    string ThreadId,
    string Agent,
    string Input,
    string Status,
    bool Finished,
    string? Summary,
    JsonElement? Result,
    ImmutableList<ChildApproval> PendingApprovals,
    string? Question = null)
{
    public bool Waiting => !Finished && Status is "awaiting_human" or "paused";
}

/// <summary>An approval a child waits for, listed on its workflow so people see what the workflow waits for.</summary>
public sealed record ChildApproval(string ChildThreadId, string ApprovalId, string Tool, JsonElement Parameters, DateTimeOffset ExpiresAt);
