using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Threads;
using Hangfire;
using Hangfire.Server;
using Microsoft.Extensions.Logging;

namespace ChatAgent.Jobs;

/// <summary>
/// Runs a thread's steps until it waits or ends: one run per launch or resume, not per step, started by
/// <see cref="LocalRuns"/> from a wake-up, or by Hangfire as a retry after a failed run. Takes ids only;
/// the state is always rebuilt from events, so a retried run simply continues where the events say.
/// At most one run of a thread at a time, across processes (<see cref="IThreadLock"/>).
/// </summary>
/// <remarks>
/// A failure outside the loop's own error handling (the database gone, a bug) fails the job and Hangfire retries
/// it with backoff. The last attempt does not throw: it records <c>thread_failed</c> and tells the channel.
/// </remarks>
public sealed class RunThreadJob(AgentLoop loop, IEventStore store, IThreadLock locks, IThreadScheduler scheduler, TimeProvider time, ILogger<RunThreadJob> log)
{
    /// <summary>Retries after the first attempt; the delays grow from seconds to minutes (about 12 minutes in all).</summary>
    public const int Retries = 6;

    /// <summary>Bounds the lock hand-over loop; each round is caused by someone else's append.</summary>
    private const int MaxRounds = 100;

    [Queue(JobQueues.Threads)]
    [AutomaticRetry(Attempts = Retries, DelaysInSeconds = [2, 10, 30, 60, 180, 420], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    public Task RunAsync(string threadId, PerformContext? context, CancellationToken cancellationToken) =>
        RunAttemptAsync(threadId, context?.GetJobParameter<int>("RetryCount") ?? 0, cancellationToken);

    /// <summary>One attempt; <paramref name="retryCount"/> is 0 for the first, <see cref="Retries"/> for the last.</summary>
    public async Task RunAttemptAsync(string threadId, int retryCount, CancellationToken cancellationToken)
    {
        using var scope = log.BeginScope(new Dictionary<string, object> { ["ThreadId"] = threadId, ["Job"] = "run" });
        try
        {
            await RunLockedAsync(threadId, cancellationToken);
        }
        catch (Exception ex) when (retryCount >= Retries && ex is not OperationCanceledException)
        {
            log.LogError(ex, "Thread {ThreadId} failed after {Attempts} attempts", threadId, retryCount + 1);
            await FailAsync(threadId, ex, retryCount + 1, cancellationToken);
        }
    }

    /// <summary>
    /// Runs under the thread's lock. A job that finds the lock taken stops at once, so the holder re-reads the
    /// status after releasing it: an approval or resume appended while the holder was finishing is never lost.
    /// </summary>
    private async Task RunLockedAsync(string threadId, CancellationToken cancellationToken)
    {
        for (var round = 0; round < MaxRounds; round++)
        {
            ThreadState state;
            await using (var handle = await AcquireAsync(threadId, cancellationToken))
            {
                if (handle is null)
                {
                    log.LogDebug("Thread {ThreadId} is running elsewhere; the holder re-checks it when done", threadId);
                    return;
                }
                state = await loop.RunAsync(threadId, cancellationToken);
                log.LogInformation("Thread {ThreadId} run stopped at step {Step}: {Status}", threadId, state.Step, state.Status);
            }
            // An ended thread stays ended: every command refuses it (ThreadService), so there is nothing to look for.
            if (state.IsEnded) return;
            // Only what was appended since the run's last event: a resume that came while the run was finishing.
            var after = await store.CatchUpAsync(threadId, state, cancellationToken);
            if (after.Status != ThreadStatus.Running) return;
        }
        log.LogWarning("Thread {ThreadId} kept changing under its runs; the sweeper picks it up again", threadId);
    }

    /// <summary>Records <c>thread_failed</c> with a final message, unless the thread already ended or waits for a person.</summary>
    private async Task FailAsync(string threadId, Exception error, int attempts, CancellationToken ct)
    {
        for (var conflict = 0; ; conflict++)
        {
            var state = await store.ReadStateAsync(threadId, ct);
            if (state.Status != ThreadStatus.Running) return;
            var now = time.GetUtcNow();
            var detail = $"Gave up after {attempts} attempts: {error.GetType().Name}: {StepEvents.Compact(error.Message)}";
            NewEvent[] events =
            [
                new(new ThreadFailed(FailureReasons.RetriesExhausted, detail), Actor.System, now),
                new(new MessageQueued(MessageKeys.Status, "status", StatusText.Line(state, "failed: " + detail)), Actor.System, now),
                new(new MessageQueued(MessageKeys.Final, "final", "Failed: " + detail), Actor.System, now),
            ];
            var after = state;
            var seq = state.Version;
            foreach (var e in events) after = ThreadReducer.Reduce(after, new StoredEvent(threadId, ++seq, e.At, e.Actor, e.Data));
            try
            {
                await store.AppendAsync(threadId, state.Version, events, ThreadSummary.From(after), cancellationToken: ct);
                await scheduler.ScheduleDeliveryAsync(threadId, ct);
                return;
            }
            catch (ConcurrencyException) when (conflict < 25)
            {
                // Someone appended meanwhile; decide again on the new state.
            }
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
