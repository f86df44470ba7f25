using System.ComponentModel.DataAnnotations;

namespace ChatAgent.Jobs;

/// <summary>The work this process does besides answering requests: thread runs and Hangfire's server (<c>Jobs:*</c>).</summary>
public sealed class JobsOptions
{
    public const string Section = "Jobs";

    /// <summary>
    /// Thread runs this process does at once (<see cref="LocalRuns"/>); a run woken while all are busy waits in the
    /// database for a free one here or in another process. 0: this process runs no threads (it only answers). A run is
    /// I/O-bound (model calls, tools, the database), so the count does not follow the CPU; each running one holds a
    /// connection of the thread locks' pool (<see cref="ThreadLockDataSource"/>, sized from this count, <c>DeliveryWorkers</c>
    /// and <c>WorkerCount</c>) and uses the store's pool for its reads and appends.
    /// </summary>
    [Range(0, 200)]
    public int RunWorkers { get; set; } = 8;

    /// <summary>
    /// Outbox deliveries this process does at once (<see cref="LocalDeliveries"/>), each the moment its wake-up arrives;
    /// a delivery woken while all are busy waits in the database for a free one here or in another process, and one
    /// that fails is retried by Hangfire. 0: every delivery is a Hangfire job (one more job per delivery, as before
    /// 2026-12-04). A delivery waits on the chat platform, so the count does not follow the CPU; each holds a connection
    /// of the thread locks' pool (its outbox lock) and uses the store's pool for its reads and appends.
    /// </summary>
    [Range(0, 200, ErrorMessage = "Jobs:DeliveryWorkers must be between 0 and 200.")]
    public int DeliveryWorkers { get; set; } = 4;

    /// <summary>
    /// How much lower than the host's the CPU priority of runs and deliveries is (a nice value, 0–19; Linux sets it per
    /// thread, other systems use "below normal"): they run on threads of their own (<see cref="WorkScheduler"/>), so
    /// when the work fills the cores, requests are still served first and acknowledgements stay fast. Shell tools'
    /// <c>Agents:ShellNiceness</c> comes on top of it. 0: runs and deliveries share the thread pool with requests.
    /// </summary>
    [Range(0, 19, ErrorMessage = "Jobs:WorkNiceness must be between 0 (the host's priority) and 19.")]
    public int WorkNiceness { get; set; } = 5;

    /// <summary>
    /// The longest the dispatcher waits between looks at the wake-up table when no notification arrives: it bounds how
    /// late a wake-up is handed on after a lost notification or a crashed process's last commit.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan DispatchPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Once this process has run no thread and delivered nothing for this long after doing some, one compacting full
    /// garbage collection returns to the operating system the memory the burst left behind (<see cref="IdleMemoryTrim"/>).
    /// It runs only while the process is idle, never during work. <c>00:00:00</c>: never.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00", ErrorMessage = "Jobs:TrimMemoryAfterIdle must be between 00:00:00 (off) and 1.00:00:00 (a day).")]
    public TimeSpan TrimMemoryAfterIdle { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The most wake-ups one claim takes (one transaction), so a backlog is handed on in batches.</summary>
    [Range(1, 10_000)]
    public int DispatchBatchSize { get; set; } = 200;

    /// <summary>
    /// Hangfire workers in this process: deliveries, cron launches, approval ladders and retries of failed runs. A run is I/O-bound (model calls, tools, the database), so the count does not
    /// follow the CPU; each running worker holds a connection of the host's pool (Hangfire's) and, for a run or a delivery,
    /// one of the thread locks' pool. Scale out with more processes.
    /// </summary>
    [Range(1, 200, ErrorMessage = "Jobs:WorkerCount must be between 1 and 200.")]
    public int WorkerCount { get; set; } = 8;

    /// <summary>How long a claimed job stays hidden from other workers without a heartbeat; a live worker keeps
    /// extending it, so it only bounds how soon a dead process's jobs return.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Jobs:InvisibilityTimeout must be between 00:00:01 and 1.00:00:00 (a day).")]
    public TimeSpan InvisibilityTimeout { get; set; } = TimeSpan.FromMinutes(2);
}
