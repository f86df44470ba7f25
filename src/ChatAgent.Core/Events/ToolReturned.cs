using System.Text.Json;

namespace ChatAgent.Core.Events;

/// <summary>A tool ran and succeeded; <see cref="Result"/> is its output (always data, never instructions).</summary>
public sealed record ToolReturned(string ToolCallId, string Tool, JsonElement Result) : ThreadEvent;
