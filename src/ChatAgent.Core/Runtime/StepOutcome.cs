namespace ChatAgent.Core.Runtime;

/// <summary>The result of one step; <see cref="QueuedMessages"/> tells whether the outbox has new entries to deliver.</summary>
public sealed record StepOutcome(ThreadState State, bool Continue, bool QueuedMessages = false);
