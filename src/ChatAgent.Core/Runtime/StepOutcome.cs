namespace ChatAgent.Core.Runtime;

/// <summary>
/// The result of one step; <see cref="QueuedMessages"/> tells whether the outbox has new entries to deliver.
/// <see cref="Woke"/>: the append that stopped the run already carried the run's end-of-run wake-ups (its delivery and
/// its workflow's run), so the loop schedules neither again.
/// </summary>
public sealed record StepOutcome(ThreadState State, bool Continue, bool QueuedMessages = false, bool Woke = false)
{
    /// <summary>The thread after the step, from the events it committed; null when the next step must read (a run's own use).</summary>
    internal ThreadSnapshot? After { get; init; }
}
