namespace ChatAgent.Core.Events;

/// <summary>A thread began: which agent, the raw input, the arguments its grammar parsed, and where to reply.</summary>
public sealed record ThreadStarted(
    string Agent,
    string Input,
    IReadOnlyDictionary<string, string> Arguments,
    Origin Origin,
    int MaxSteps,
    string? ParentThreadId = null) : ThreadEvent;
