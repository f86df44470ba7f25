using System.Diagnostics;
using ChatAgent.Core.Observability;
using ChatAgent.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatAgent.Jobs;

/// <summary>
/// Thread runs in this process, at most <see cref="JobsOptions.RunWorkers"/> at a time, started by the dispatcher the
/// moment a wake-up arrives (no job queue between a click and the next step). A thread woken again while it runs here
/// is run once more when the current run ends, instead of a second run waiting for the lock. A run that fails is
/// handed to Hangfire (<see cref="RunThreadJob"/>), whose retries back off; a run cut short by the host stopping
/// leaves a wake-up behind for the next process. A run is the span <c>chatagent.thread.run</c>, a child of the request
/// whose wake-up started it (whichever process that request reached).
/// </summary>
public sealed class LocalRuns(
    IServiceScopeFactory scopes,
    IWakeupQueue wakeups,
    WakeSignal signal,
    HangfireThreadScheduler jobs,
    IOptions<JobsOptions> options,
    ILogger<LocalRuns> log)
{
    private readonly Lock _gate = new();

    /// <summary>Thread -> woken again while running.</summary>
    private readonly Dictionary<string, bool> _active = new(StringComparer.Ordinal);

    private readonly HashSet<Task> _running = [];

    /// <summary>Runs in progress in this process.</summary>
    public int Active
    {
        get
        {
            lock (_gate) return _active.Count;
        }
    }

    /// <summary>How many more runs this process would start now.</summary>
    public int Free
    {
        get
        {
            lock (_gate) return options.Value.RunWorkers - _active.Count;
        }
    }

    /// <summary>Starts a run of the woken thread (or marks the one in progress to go again); never waits for it.</summary>
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
        var run = Task.Run(() => RunAsync(threadId, wakeup.TraceParent, stopping), CancellationToken.None);
        lock (_gate)
        {
            if (!run.IsCompleted) _running.Add(run);
        }
        run.ContinueWith(done => { lock (_gate) _running.Remove(done); }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Completes when every run started so far has ended (the host waits for them before it lets go of the database).</summary>
    public Task WhenIdleAsync()
    {
        lock (_gate) return Task.WhenAll([.. _running]);
    }

    private async Task RunAsync(string threadId, string? traceParent, CancellationToken stopping)
    {
        ActivityContext.TryParse(traceParent, null, out var parent);
        using var activity = ChatAgentTelemetry.Source.StartActivity("chatagent.thread.run", ActivityKind.Consumer, parent);
        activity?.SetTag(ChatAgentTelemetry.Tags.ThreadId, threadId);
        try
        {
            do
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<RunThreadJob>().RunAttemptAsync(threadId, 0, stopping);
            }
            while (Again(threadId));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            await HandOnAsync(threadId, "the host is stopping", () => wakeups.AddAsync([ThreadWakeup.Run(threadId)], CancellationToken.None));
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            log.LogWarning(ex, "Run of thread {ThreadId} failed; Hangfire retries it", threadId);
            await HandOnAsync(threadId, "the run failed", () => jobs.ScheduleRunAsync(threadId, CancellationToken.None));
        }
        finally
        {
            lock (_gate) _active.Remove(threadId);
            // A worker is free: wake-ups that waited for one can be claimed now.
            signal.Set();
        }
    }

    /// <summary>True (and cleared) when the thread was woken while its run was in progress.</summary>
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
            // Nothing is lost: the thread is still running in its events, and the sweeper finds it.
            log.LogWarning(ex, "Could not hand on thread {ThreadId} after {Why}; the sweeper picks it up", threadId, why);
        }
    }
}
