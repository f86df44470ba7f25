using ChatAgent.Core.Runtime;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Threads;
using Hangfire;
using Microsoft.Extensions.Logging;

namespace ChatAgent.Jobs;

/// <summary>
/// Runs a thread's steps until it waits or ends: one job per launch or resume, not per step. Takes ids only;
/// the state is always rebuilt from events, so a retried job simply continues where the events say.
/// At most one run of a thread at a time, across processes (<see cref="IThreadLock"/>).
/// </summary>
public sealed class RunThreadJob(AgentLoop loop, IEventStore store, IThreadLock locks, ILogger<RunThreadJob> log)
{
    /// <summary>Bounds the hand-over loop; each round is caused by someone else's append.</summary>
    private const int MaxRounds = 100;

    [Queue(JobQueues.Threads)]
    public async Task RunAsync(string threadId, CancellationToken cancellationToken)
    {
        using var scope = log.BeginScope(new Dictionary<string, object> { ["ThreadId"] = threadId, ["Job"] = "run" });
        for (var round = 0; round < MaxRounds; round++)
        {
            await using (var handle = await AcquireAsync(threadId, cancellationToken))
            {
                if (handle is null)
                {
                    // The holder re-reads the status after releasing the lock (below), so this wake-up is not lost.
                    log.LogInformation("Thread {ThreadId} is already running elsewhere; the holder re-checks it", threadId);
                    return;
                }
                var state = await loop.RunAsync(threadId, cancellationToken);
                log.LogInformation("Thread {ThreadId} run stopped at step {Step}: {Status}", threadId, state.Step, state.Status);
            }
            // An approval or resume appended while this run was finishing found the lock taken and stopped: look again.
            var after = ThreadReducer.Replay(await store.ReadAsync(threadId, 0, cancellationToken));
            if (after.Status != ThreadStatus.Running) return;
        }
    }

    /// <summary>How long a run waits for a run in progress to finish before leaving the thread to it.</summary>
    public static readonly TimeSpan LockWait = TimeSpan.FromSeconds(5);

    /// <remarks>
    /// The holder's re-check above only looks again when the thread is running; a workflow woken by its child while
    /// waiting (awaiting_human) would be missed, so wait briefly for the lock instead of giving up at once.
    /// </remarks>
    private async Task<IAsyncDisposable?> AcquireAsync(string threadId, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + LockWait;
        while (true)
        {
            if (await locks.TryAcquireAsync(threadId, cancellationToken) is { } handle) return handle;
            if (DateTime.UtcNow >= deadline) return null;
            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }
    }
}
