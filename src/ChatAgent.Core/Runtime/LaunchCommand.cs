using ChatAgent.Core.Events;

namespace ChatAgent.Core.Runtime;

/// <summary>
/// Start a thread of <paramref name="Agent"/>. <paramref name="Input"/> is parsed with the agent's grammar
/// unless <paramref name="Arguments"/> are given. <paramref name="DeliveryKey"/> (Slack event id, Teams activity
/// id, webhook delivery id, API idempotency key) makes the launch idempotent. <paramref name="MaxSteps"/> overrides the
/// agent's step budget (a workflow step's own budget).
/// </summary>
public sealed record LaunchCommand(
    string Agent,
    string Input,
    Origin Origin,
    Actor Actor,
    string? DeliveryKey = null,
    IReadOnlyDictionary<string, string>? Arguments = null,
    string? ParentThreadId = null,
    int? MaxSteps = null);
