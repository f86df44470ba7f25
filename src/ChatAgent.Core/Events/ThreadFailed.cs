namespace ChatAgent.Core.Events;

/// <summary>The thread cannot go on (retries exhausted, aborted by a person).</summary>
public sealed record ThreadFailed(string Reason, string? Detail = null) : ThreadEvent;
