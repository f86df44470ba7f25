using System.Collections.Immutable;
using System.Text.Json;
using ChatAgent.Core.Tools;

namespace ChatAgent.Core.Threads;

/// <summary>
/// The most recent tool call that started to run. <see cref="HasResult"/> is false between the
/// <c>tool_call</c> and its <c>tool_result</c>/<c>error</c>: found so on load, the outcome is unknown.
/// </summary>
public sealed record ToolCallState(
    string ToolCallId,
    string Tool,
    JsonElement Parameters,
    ToolKind Kind,
    string ParametersHash,
    int Attempt,
    bool HasResult);

/// <summary>A tool call the planner decided on that waits for its approval to run.</summary>
public sealed record DecidedCall(string ToolCallId, string Tool, JsonElement Parameters, string ParametersHash, string ApprovalId);

/// <summary>A step that produced a result: a tool's output, or a person's answer to a question.</summary>
public sealed record CompletedCall(string ToolCallId, string Tool, JsonElement Result);

/// <summary>A question to a person that waits for the answer.</summary>
public sealed record HumanRequest(string Id, string ToolCallId, string Question, string? To, DateTimeOffset AskedAt);

/// <summary>
/// An outbox entry and its delivery: <see cref="Version"/> is the seq of the latest
/// <c>message_queued</c> for the key, <see cref="DeliveredVersion"/> the seq last delivered.
/// </summary>
public sealed record ChatMessage(
    string Key,
    string Kind,
    string Text,
    string? ApprovalId,
    string? RequestId,
    long Version,
    string? Platform = null,
    string? Ref = null,
    long DeliveredVersion = 0)
{
    public bool IsDelivered => DeliveredVersion >= Version;

    /// <summary>Copies sent to people in direct messages, by recipient (a platform id such as <c>slack:U123</c>).</summary>
    public ImmutableSortedDictionary<string, MessageCopy> Copies { get; init; } = ImmutableSortedDictionary<string, MessageCopy>.Empty;
}

/// <summary>A copy of an outbox message in one person's direct messages: where it is and the version last delivered there.</summary>
public sealed record MessageCopy(string Platform, string Ref, long DeliveredVersion)
{
    /// <summary>The platform would not take it (no direct message possible): never retried, never updated.</summary>
    public bool Refused => Ref.StartsWith(Chat.MessageRefs.RefusedPrefix, StringComparison.Ordinal);
}
