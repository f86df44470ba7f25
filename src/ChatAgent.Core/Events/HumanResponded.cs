namespace ChatAgent.Core.Events;

/// <summary>A person answered an <c>ask_human</c> question.</summary>
public sealed record HumanResponded(string RequestId, string Text) : ThreadEvent;
