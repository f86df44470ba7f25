using ChatAgent.Core.Runtime;
using Hangfire;
using Microsoft.Extensions.Logging;

namespace ChatAgent.Jobs;

/// <summary>
/// Runs a thread's steps until it waits or ends: one job per launch or resume, not per step. Takes ids only;
/// the state is always rebuilt from events, so a retried job simply continues where the events say.
/// At most one run of a thread at a time, across processes (<see cref="IThreadLock"/>).
/// </summary>
public sealed class RunThreadJob(AgentLoop loop, IThreadLock locks, ILogger<RunThreadJob> log)
{
    [Queue(JobQueues.Threads)]
    public async Task RunAsync(string threadId, CancellationToken cancellationToken)
    {
        using var scope = log.BeginScope(new Dictionary<string, object> { ["ThreadId"] = threadId, ["Job"] = "run" });
        await using var handle = await locks.TryAcquireAsync(threadId, cancellationToken);
        if (handle is null)
        {
            // Another process runs this thread now; it will see any events appended before it reads again.
            log.LogInformation("Thread {ThreadId} is already running elsewhere; this run stops", threadId);
            return;
        }
        var state = await loop.RunAsync(threadId, cancellationToken);
        log.LogInformation("Thread {ThreadId} run stopped at step {Step}: {Status}", threadId, state.Step, state.Status);
    }
}
