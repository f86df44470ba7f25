using System.Text.Json;
using ChatAgent.Core.Tools;

namespace ChatAgent.Core.Events;

/// <summary>
/// The agent wants to run a risky tool and waits for people. The approval is bound to
/// <see cref="ParametersHash"/>: only a call that hashes the same may run after a grant.
/// </summary>
public sealed record ApprovalRequested(
    string ApprovalId,
    string ToolCallId,
    string Tool,
    JsonElement Parameters,
    string ParametersHash,
    string? Reason,
    string RequestedBy,
    ApprovalPolicy Policy,
    DateTimeOffset ExpiresAt) : ThreadEvent;
