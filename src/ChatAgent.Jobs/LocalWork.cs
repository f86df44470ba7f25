using System.Diagnostics;
using ChatAgent.Core.Observability;
using ChatAgent.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatAgent.Jobs;

/// <summary>
/// This process's own bounded workers for one kind of wake-up, started by the dispatcher the moment a wake-up arrives
/// (no job queue between the commit and the work). A thread woken again while its work runs here is worked once more
/// when the current attempt ends, instead of a second attempt waiting for its lock. An attempt that fails is handed to
/// Hangfire, whose retries back off; one cut short by the host stopping leaves a wake-up behind for the next process;
/// one lost with its process is found by the sweeper. Each attempt is a span, a child of the request whose wake-up
/// started it (whichever process that request reached).
/// </summary>
public abstract class LocalWork(IServiceScopeFactory scopes, IWakeupQueue wakeups, WakeSignal signal, WorkScheduler scheduler, ILogger log)
{
    private readonly Lock _gate = new();

    /// <summary>Thread -> woken again while its work runs.</summary>
    private readonly Dictionary<string, bool> _active = new(StringComparer.Ordinal);

    private readonly HashSet<Task> _running = [];

    /// <summary>How many at once (its <c>Jobs:*Workers</c> option).</summary>
    protected abstract int Workers { get; }

    /// <summary>The wake-up a stopping host leaves behind.</summary>
    protected abstract WakeupKind Kind { get; }

    /// <summary>The span of one piece of work.</summary>
    protected abstract string SpanName { get; }

    /// <summary>What the log calls it ("Run", "Delivery").</summary>
    protected abstract string What { get; }

    /// <summary>One attempt, with a service scope of its own.</summary>
    protected abstract Task WorkAsync(IServiceProvider services, string threadId, CancellationToken stopping);

    /// <summary>Hands a failed attempt to Hangfire, whose retries back off.</summary>
    protected abstract Task RetryLaterAsync(string threadId);

    /// <summary>Work in progress in this process.</summary>
    public int Active
    {
        get
        {
            lock (_gate) return _active.Count;
        }
    }

    /// <summary>Attempts ended so far in this process (any outcome): tells an idle process that did work from one that did none.</summary>
    public long Ended => Interlocked.Read(ref _ended);

    private long _ended;

    /// <summary>
    /// Set by the dispatcher before it reads <see cref="Free"/> and cleared when it claims with a worker to spare: true
    /// while its look may have left wake-ups for want of a worker, so a worker that frees up then wakes it.
    /// </summary>
    public bool Saturated
    {
        get => Volatile.Read(ref _saturated);
        set => Volatile.Write(ref _saturated, value);
    }

    private bool _saturated;

    /// <summary>How many more this process would start now.</summary>
    public int Free
    {
        get
        {
            lock (_gate) return Workers - _active.Count;
        }
    }

    /// <summary>Starts the woken thread's work (or marks the one in progress to go again); never waits for it.</summary>
    public void Start(ThreadWakeup wakeup, CancellationToken stopping)
    {
        var threadId = wakeup.ThreadId;
        lock (_gate)
        {
            if (_active.ContainsKey(threadId))
            {
                _active[threadId] = true;
                return;
            }
            _active[threadId] = false;
        }
        // On the work's own lower-priority threads: every await of the attempt continues there, not among requests.
        var work = Task.Factory.StartNew(() => RunAsync(threadId, wakeup.TraceParent, stopping), CancellationToken.None,
            TaskCreationOptions.DenyChildAttach, scheduler.Scheduler).Unwrap();
        lock (_gate)
        {
            if (!work.IsCompleted) _running.Add(work);
        }
        work.ContinueWith(done => { lock (_gate) _running.Remove(done); }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Completes when all the work started so far has ended (the host waits for it before it lets go of the database).</summary>
    public Task WhenIdleAsync()
    {
        // The last attempt ends on a work thread: the host's shutdown resumes on the thread pool, not there.
        lock (_gate) return Task.WhenAll([.. _running]).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private async Task RunAsync(string threadId, string? traceParent, CancellationToken stopping)
    {
        ActivityContext.TryParse(traceParent, null, out var parent);
        using var activity = ChatAgentTelemetry.Source.StartActivity(SpanName, ActivityKind.Consumer, parent);
        activity?.SetTag(ChatAgentTelemetry.Tags.ThreadId, threadId);
        try
        {
            do
            {
                await using var scope = scopes.CreateAsyncScope();
                await WorkAsync(scope.ServiceProvider, threadId, stopping);
            }
            while (Again(threadId));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            await HandOnAsync(threadId, "the host is stopping", () => wakeups.AddAsync([Kind == WakeupKind.Run ? ThreadWakeup.Run(threadId) : ThreadWakeup.Deliver(threadId)], CancellationToken.None));
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            log.LogWarning(ex, "{What} of thread {ThreadId} failed; Hangfire retries it", What, threadId);
            await HandOnAsync(threadId, "it failed", () => RetryLaterAsync(threadId));
        }
        finally
        {
            lock (_gate) _active.Remove(threadId);
            Interlocked.Increment(ref _ended);
            // A worker is free: wake-ups that waited for one can be claimed now (when the dispatcher's last look left
            // some for want of a worker; otherwise it took all there were, and later ones set the signal themselves).
            if (Saturated) signal.Set();
        }
    }

    /// <summary>True (and cleared) when the thread was woken while its work was in progress.</summary>
    private bool Again(string threadId)
    {
        lock (_gate)
        {
            if (!_active[threadId]) return false;
            _active[threadId] = false;
            return true;
        }
    }

    private async Task HandOnAsync(string threadId, string why, Func<Task> handOn)
    {
        try
        {
            await handOn();
        }
        catch (Exception ex)
        {
            // Nothing is lost: the work is still due in the thread's events, and the sweeper finds it.
            log.LogWarning(ex, "Could not hand on thread {ThreadId} after {Why}; the sweeper picks it up", threadId, why);
        }
    }
}
