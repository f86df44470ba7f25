using ChatAgent.Core.Runtime;
using Hangfire;

namespace ChatAgent.Jobs;

/// <summary>Schedules thread work as Hangfire jobs that take ids only.</summary>
public sealed class HangfireThreadScheduler(IBackgroundJobClient jobs) : IThreadScheduler
{
    public Task ScheduleRunAsync(string threadId, CancellationToken cancellationToken = default)
    {
        jobs.Enqueue<RunThreadJob>(j => j.RunAsync(threadId, null, CancellationToken.None));
        return Task.CompletedTask;
    }

    public Task ScheduleDeliveryAsync(string threadId, CancellationToken cancellationToken = default)
    {
        jobs.Enqueue<DeliverMessagesJob>(j => j.RunAsync(threadId, CancellationToken.None));
        return Task.CompletedTask;
    }

    public Task ScheduleApprovalCheckAsync(string threadId, string approvalId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        jobs.Schedule<ApprovalLadderJob>(j => j.CheckAsync(threadId, approvalId, CancellationToken.None), at);
        return Task.CompletedTask;
    }
}
