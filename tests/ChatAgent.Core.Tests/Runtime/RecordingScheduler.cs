using System.Collections.Concurrent;
using ChatAgent.Core.Runtime;

namespace ChatAgent.Core.Tests.Runtime;

/// <summary>The scheduler port, recorded: what the loop and the service asked the job system to do, in order.</summary>
internal sealed class RecordingScheduler : IThreadScheduler
{
    public ConcurrentQueue<string> Runs { get; } = new();
    public ConcurrentQueue<string> Deliveries { get; } = new();
    public ConcurrentQueue<(string ThreadId, string ApprovalId, DateTimeOffset At)> ApprovalChecks { get; } = new();

    public Task ScheduleRunAsync(string threadId, CancellationToken cancellationToken = default)
    {
        Runs.Enqueue(threadId);
        return Task.CompletedTask;
    }

    public Task ScheduleDeliveryAsync(string threadId, CancellationToken cancellationToken = default)
    {
        Deliveries.Enqueue(threadId);
        return Task.CompletedTask;
    }

    public Task ScheduleApprovalCheckAsync(string threadId, string approvalId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ApprovalChecks.Enqueue((threadId, approvalId, at));
        return Task.CompletedTask;
    }
}
