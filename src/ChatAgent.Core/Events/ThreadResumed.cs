namespace ChatAgent.Core.Events;

/// <summary>Someone resumed the thread, optionally with feedback for the agent.</summary>
public sealed record ThreadResumed(string? Feedback) : ThreadEvent;
