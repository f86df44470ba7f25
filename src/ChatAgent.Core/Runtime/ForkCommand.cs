using ChatAgent.Core.Events;

namespace ChatAgent.Core.Runtime;

/// <summary>
/// Start a new thread of <paramref name="ThreadId"/>'s agent from its state right after event <paramref name="At"/>, as
/// <paramref name="Actor"/> (the authenticated caller). Only dry runs are supported (<paramref name="DryRun"/> must be
/// true). <paramref name="PromptVersion"/>, when given, must be the agent's prompt as loaded now (its hash: the only
/// version that can run); <paramref name="Planner"/>, when given, the configured planner's name or <c>offline</c>.
/// <paramref name="Post"/>: the fork's messages go to the origin's conversation; otherwise nowhere but the API and the
/// web chat.
/// </summary>
public sealed record ForkCommand(
    string ThreadId,
    long At,
    Actor Actor,
    bool DryRun,
    string? PromptVersion = null,
    string? Planner = null,
    bool Post = false);
