namespace ChatAgent.Jobs;

/// <summary>The sweeper's timing (configuration section <c>Jobs:Sweeper</c>).</summary>
public sealed class ThreadSweeperOptions
{
    public const string Section = "Jobs:Sweeper";

    /// <summary>How often each process sweeps.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A running thread whose last event is older than this gets its run scheduled again.</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>At most this many threads are re-scheduled per sweep (the oldest last).</summary>
    public int BatchSize { get; set; } = 500;
}
