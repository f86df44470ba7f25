namespace ChatAgent.Core.Events;

/// <summary>The agent asked a person a free-text question and waits for the answer.</summary>
public sealed record HumanContacted(string RequestId, string ToolCallId, string Question, string? To = null) : ThreadEvent;
