namespace ChatAgent.Core.Runtime;

/// <summary>
/// Asks the job system to do work for a thread later, out of the request path. Implementations must be
/// safe to call more than once for the same thread: a run or delivery with nothing to do is a no-op.
/// </summary>
public interface IThreadScheduler
{
    /// <summary>Run the thread's steps until it waits or ends.</summary>
    Task ScheduleRunAsync(string threadId, CancellationToken cancellationToken = default);

    /// <summary>Deliver the thread's undelivered outbox messages.</summary>
    Task ScheduleDeliveryAsync(string threadId, CancellationToken cancellationToken = default);

    /// <summary>Check an approval's ladder (remind, escalate, expire) at <paramref name="at"/>.</summary>
    Task ScheduleApprovalCheckAsync(string threadId, string approvalId, DateTimeOffset at, CancellationToken cancellationToken = default);
}
