namespace ChatAgent.Core.Events;

/// <summary>
/// A thread began: which agent, the raw input, the arguments its grammar parsed, and where to reply. A fork
/// (<c>POST /api/threads/{id}/fork</c>) names its origin in <see cref="ForkedFrom"/>; <see cref="DryRun"/> true means no
/// side-effecting tool runs in it and nobody is asked anything (docs/RUNTIME.md, "Dry runs"). <see cref="Planner"/> is
/// the planner the thread was asked to use when it is not the configured one (only <c>offline</c> can be chosen).
/// </summary>
public sealed record ThreadStarted(
    string Agent,
    string Input,
    IReadOnlyDictionary<string, string> Arguments,
    Origin Origin,
    int MaxSteps,
    string? ParentThreadId = null,
    ForkedFrom? ForkedFrom = null,
    bool? DryRun = null,
    string? Planner = null) : ThreadEvent;
