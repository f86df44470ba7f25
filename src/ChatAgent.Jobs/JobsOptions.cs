using System.ComponentModel.DataAnnotations;

namespace ChatAgent.Jobs;

/// <summary>Hangfire's server in this process (<c>Jobs:*</c>).</summary>
public sealed class JobsOptions
{
    public const string Section = "Jobs";

    /// <summary>
    /// Hangfire workers in this process. A run is I/O-bound (model calls, tools, the database), so the count does not
    /// follow the CPU; each running worker holds up to two pooled connections (its thread lock and its appends), so
    /// keep it well under <c>Postgres:MaxPoolSize</c> / 2. Scale out with more processes.
    /// </summary>
    [Range(1, 200, ErrorMessage = "Jobs:WorkerCount must be between 1 and 200.")]
    public int WorkerCount { get; set; } = 8;

    /// <summary>How long a claimed job stays hidden from other workers without a heartbeat; a live worker keeps
    /// extending it, so it only bounds how soon a dead process's jobs return.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Jobs:InvisibilityTimeout must be between 00:00:01 and 1.00:00:00 (a day).")]
    public TimeSpan InvisibilityTimeout { get; set; } = TimeSpan.FromMinutes(2);
}
