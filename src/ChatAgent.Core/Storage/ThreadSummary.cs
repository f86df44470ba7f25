using ChatAgent.Core.Threads;

namespace ChatAgent.Core.Storage;

/// <summary>One row of the thread-list projection; always derivable from the thread's events.</summary>
public sealed record ThreadSummary(
    string Id,
    string Agent,
    string Status,
    int Step,
    int MaxSteps,
    long Version,
    string Platform,
    string RequestedBy,
    int PendingApprovals,
    DateTimeOffset StartedAt,
    DateTimeOffset UpdatedAt,
    string? ParentThreadId = null)
{
    public static ThreadSummary From(ThreadState s) => new(
        s.Id, s.Agent, s.Status.WireName(), s.Step, s.MaxSteps, s.Version, s.Origin.Platform, s.RequestedBy,
        s.PendingApprovals.Count, s.StartedAt, s.UpdatedAt, s.ParentThreadId);
}
