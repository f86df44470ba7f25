using System.ComponentModel.DataAnnotations;

namespace ChatAgent.Jobs;

/// <summary>The sweeper's timing (configuration section <c>Jobs:Sweeper</c>).</summary>
public sealed class ThreadSweeperOptions
{
    public const string Section = "Jobs:Sweeper";

    /// <summary>How often each process sweeps.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00", ErrorMessage = "Jobs:Sweeper:Interval must be between 00:00:00.010 and 1.00:00:00 (a day).")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A running thread whose last event is older than this gets its run scheduled again.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00", ErrorMessage = "Jobs:Sweeper:StaleAfter must be between 00:00:00 and 1.00:00:00 (a day).")]
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>At most this many threads are re-scheduled per sweep (the oldest last).</summary>
    [Range(1, 100_000, ErrorMessage = "Jobs:Sweeper:BatchSize must be between 1 and 100000.")]
    public int BatchSize { get; set; } = 500;
}
