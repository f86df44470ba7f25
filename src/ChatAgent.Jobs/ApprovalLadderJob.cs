using ChatAgent.Core.Runtime;
using Hangfire;

namespace ChatAgent.Jobs;

/// <summary>One rung of an approval's ladder (remind, escalate, expire), scheduled at the times its policy gives.</summary>
public sealed class ApprovalLadderJob(ThreadService threads)
{
    [Queue(JobQueues.Default)]
    public Task CheckAsync(string threadId, string approvalId, CancellationToken cancellationToken) =>
        threads.AdvanceApprovalLadderAsync(threadId, approvalId, cancellationToken);
}
