using ChatAgent.Core.Runtime;
using Hangfire;

namespace ChatAgent.Jobs;

/// <summary>
/// Schedules thread work as Hangfire jobs that take ids only. The job is stored before the returned task completes.
/// </summary>
/// <remarks>
/// Hangfire's client is synchronous, and its PostgreSQL storage sends a job's parameters as a batch, which Npgsql in
/// synchronous mode writes from a thread-pool task while the calling thread blocks on the answer. Enqueuing on a
/// thread-pool thread (a request, an async job) therefore needs a second pool thread to make progress: under load
/// every pool thread ends up blocked waiting for a write that cannot be scheduled, and requests stall for the
/// command timeout (the load driver measured 20–30 s acknowledgements and 500s at 50 slash commands/s). So each
/// enqueue runs on a thread of its own and the caller awaits it.
/// </remarks>
public sealed class HangfireThreadScheduler(IBackgroundJobClient jobs) : IThreadScheduler
{
    public Task ScheduleRunAsync(string threadId, CancellationToken cancellationToken = default) =>
        OffThreadPool(() => jobs.Enqueue<RunThreadJob>(j => j.RunAsync(threadId, null, CancellationToken.None)));

    public Task ScheduleDeliveryAsync(string threadId, CancellationToken cancellationToken = default) =>
        OffThreadPool(() => jobs.Enqueue<DeliverMessagesJob>(j => j.RunAsync(threadId, CancellationToken.None)));

    public Task ScheduleApprovalCheckAsync(string threadId, string approvalId, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        OffThreadPool(() => jobs.Schedule<ApprovalLadderJob>(j => j.CheckAsync(threadId, approvalId, CancellationToken.None), at));

    private static Task OffThreadPool(Action enqueue) =>
        Task.Factory.StartNew(enqueue, CancellationToken.None, TaskCreationOptions.LongRunning | TaskCreationOptions.DenyChildAttach, TaskScheduler.Default);
}
