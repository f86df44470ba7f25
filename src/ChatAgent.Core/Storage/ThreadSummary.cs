using ChatAgent.Core.Threads;

namespace ChatAgent.Core.Storage;

/// <summary>
/// One row of the thread-list projection; always derivable from the thread's events.
/// <see cref="UndeliveredMessages"/> counts outbox messages not yet posted (at their latest version), so the jobs'
/// sweeper finds a stranded outbox with one indexed query.
/// </summary>
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
    string? ParentThreadId = null,
    int UndeliveredMessages = 0)
{
    public static ThreadSummary From(ThreadState s) => new(
        s.Id, s.Agent, s.Status.WireName(), s.Step, s.MaxSteps, s.Version, s.Origin.Platform, s.RequestedBy,
        s.PendingApprovals.Count, s.StartedAt, s.UpdatedAt, s.ParentThreadId, s.Messages.Values.Count(m => !m.IsDelivered));
}
