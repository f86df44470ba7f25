using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatAgent.Jobs;

/// <summary>
/// Where this process's runs and deliveries (<see cref="LocalWork"/>) do their CPU work: threads of their own at a
/// lower CPU priority than the host's (<see cref="JobsOptions.WorkNiceness"/>), so under load the operating system
/// serves requests first and an acknowledgement does not wait behind the work it started, neither for a core nor in
/// the thread pool's queue. Every <c>await</c> in a run continues here (the product's code keeps the scheduler it was
/// started on); what libraries finish on the thread pool (Npgsql reading a reply, HttpClient) stays there until it
/// returns to our code. With a niceness of 0 there are no own threads: the work runs on the thread pool, as requests do.
/// <para>
/// The work must not block its thread (the rule everywhere: STYLE.md), because these threads are few
/// (one per core, at least two). Once disposed, whatever is still queued or started runs on the thread pool, so a
/// stopping host's last hand-ons are never stranded.
/// </para>
/// </summary>
public sealed class WorkScheduler : TaskScheduler, IDisposable
{
    private readonly BlockingCollection<Task>? _queue;
    private readonly Thread[] _threads = [];
    private readonly ILogger<WorkScheduler> _log;
    private volatile bool _disposed;

    [ThreadStatic]
    private static WorkScheduler? t_owner;

    public WorkScheduler(IOptions<JobsOptions> options, ILogger<WorkScheduler> log)
    {
        _log = log;
        Niceness = options.Value.WorkNiceness;
        if (Niceness == 0) return;
        _queue = [];
        _threads = new Thread[Math.Max(2, Environment.ProcessorCount)];
        for (var i = 0; i < _threads.Length; i++)
        {
            _threads[i] = new Thread(Loop) { IsBackground = true, Name = $"chatagent-work-{i}" };
            _threads[i].Start();
        }
    }

    /// <summary>How much lower than the host's its threads' CPU priority is; 0: no own threads (the thread pool).</summary>
    public int Niceness { get; }

    /// <summary>The scheduler to start work on: this one, or the thread pool's when it has no threads.</summary>
    public TaskScheduler Scheduler => _queue is null ? Default : this;

    public override int MaximumConcurrencyLevel => _threads.Length is 0 ? base.MaximumConcurrencyLevel : _threads.Length;

    protected override void QueueTask(Task task)
    {
        if (!_disposed && _queue is not null)
        {
            try
            {
                _queue.Add(task);
                return;
            }
            catch (InvalidOperationException) when (_queue.IsAddingCompleted)
            {
                // Disposed in between: the thread pool runs it below.
            }
        }
        ThreadPool.UnsafeQueueUserWorkItem(static s => s.Scheduler.TryExecuteTask(s.Task), (Scheduler: this, Task: task), preferLocal: false);
    }

    /// <summary>Inline only on its own threads: a continuation never moves work onto a request's thread.</summary>
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        t_owner == this && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => _queue?.ToArray() ?? [];

    private void Loop()
    {
        t_owner = this;
        Lower();
        foreach (var task in _queue!.GetConsumingEnumerable()) TryExecuteTask(task);
    }

    /// <summary>Lowers the calling thread's CPU priority (Linux: the thread's own nice value; elsewhere: below normal).</summary>
    private void Lower()
    {
        try
        {
            if (OperatingSystem.IsLinux())
            {
                // On Linux the nice value belongs to the thread (PRIO_PROCESS with the thread's id), and only ever rising is allowed unprivileged.
                if (SetPriority(0, GetTid(), Niceness) != 0)
                    _log.LogWarning("Could not lower the CPU priority of the work threads (errno {Errno}); runs share the host's", Marshal.GetLastPInvokeError());
            }
            else
                Thread.CurrentThread.Priority = ThreadPriority.BelowNormal;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or PlatformNotSupportedException or ThreadStateException)
        {
            _log.LogWarning(ex, "Could not lower the CPU priority of the work threads; runs share the host's");
        }
    }

    [DllImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static extern int SetPriority(int which, int who, int priority);

    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetTid();

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _queue?.CompleteAdding();
        // What was queued before: the threads drain it (they are background threads, so they never hold the process).
    }
}
