using ChatAgent.Core.Runtime;
using ChatAgent.Core.Storage;

namespace ChatAgent.Jobs;

/// <summary>
/// The scheduler the loop, the jobs and the sweeper use: a run is a wake-up (one short commit and a notification), so
/// a child waking its workflow or the sweeper recovering a thread goes the same way as a click; so is a delivery
/// (<see cref="LocalDeliveries"/>, Hangfire only for its retries). The approval ladder is a Hangfire job, for its delays.
/// </summary>
public sealed class WakeupThreadScheduler(IWakeupQueue wakeups, HangfireThreadScheduler jobs) : IThreadScheduler
{
    public Task ScheduleRunAsync(string threadId, CancellationToken cancellationToken = default) =>
        wakeups.AddAsync([ThreadWakeup.Run(threadId)], cancellationToken);

    public Task ScheduleDeliveryAsync(string threadId, CancellationToken cancellationToken = default) =>
        wakeups.AddAsync([ThreadWakeup.Deliver(threadId)], cancellationToken);

    public Task ScheduleApprovalCheckAsync(string threadId, string approvalId, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        jobs.ScheduleApprovalCheckAsync(threadId, approvalId, at, cancellationToken);
}
