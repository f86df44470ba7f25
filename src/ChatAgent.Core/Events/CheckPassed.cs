using System.Text.Json;

namespace ChatAgent.Core.Events;

/// <summary>
/// A precondition or verification of a tool call held. <see cref="Phase"/>: <c>precondition</c> or <c>verify</c>;
/// <see cref="Result"/> is the check tool's result, when the check ran one.
/// </summary>
public sealed record CheckPassed(string ToolCallId, string Tool, string Phase, string Check, JsonElement? Result = null) : ThreadEvent;
