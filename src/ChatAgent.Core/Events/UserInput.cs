namespace ChatAgent.Core.Events;

/// <summary>Text a person gave the thread (the launch input, or later feedback).</summary>
public sealed record UserInput(string Text) : ThreadEvent;
