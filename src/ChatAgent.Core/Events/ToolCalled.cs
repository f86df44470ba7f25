using System.Text.Json;
using ChatAgent.Core.Tools;

namespace ChatAgent.Core.Events;

/// <summary>
/// A validated tool call is about to run. Appended before the effect, so a <c>tool_call</c>
/// without a <c>tool_result</c> or <c>error</c> means the outcome is unknown.
/// </summary>
public sealed record ToolCalled(
    string ToolCallId,
    string Tool,
    JsonElement Parameters,
    ToolKind Kind,
    string ParametersHash,
    int Attempt = 1) : ThreadEvent;
