using System.Text.Json;

namespace ChatAgent.Core.Events;

/// <summary>The agent finished; <see cref="Result"/> is its final structured result, if any.</summary>
public sealed record ThreadCompleted(string Summary, JsonElement? Result = null) : ThreadEvent;
