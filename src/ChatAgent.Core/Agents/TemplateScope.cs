using System.Globalization;
using System.Text.Json;
using ChatAgent.Core.Threads;

namespace ChatAgent.Core.Agents;

/// <summary>
/// What templates can read: <c>input</c>, <c>args.&lt;name&gt;</c>, <c>results.&lt;tool&gt;.&lt;dotted.path&gt;</c> (the
/// latest result of that tool), <c>payload.&lt;dotted.path&gt;</c> (a webhook's JSON), <c>thread.id</c>, <c>agent.name</c>.
/// </summary>
public sealed record TemplateScope(
    string Input,
    IReadOnlyDictionary<string, string> Arguments,
    IReadOnlyList<CompletedCall> Results,
    JsonElement? Payload = null,
    string ThreadId = "",
    string AgentName = "")
{
    public static readonly IReadOnlyList<string> Roots = ["input", "args", "results", "payload", "thread", "agent"];

    /// <summary>The checked call's parameters (<c>params.*</c>), in a tool check.</summary>
    public JsonElement? CallParameters { get; init; }

    /// <summary>The checked call's result (<c>result.*</c>), in a <c>verify</c> check.</summary>
    public JsonElement? CallResult { get; init; }

    /// <summary>A workflow's finished and running steps by id (<c>steps.*</c>).</summary>
    public JsonElement? Steps { get; init; }

    public static TemplateScope From(ThreadState thread, JsonElement? payload = null) =>
        new(thread.Input, thread.Arguments, thread.Results, payload, thread.Id, thread.Agent);

    /// <summary>For webhook inputs, where only the payload is known.</summary>
    public static TemplateScope ForPayload(JsonElement payload, string agentName = "") =>
        new("", new Dictionary<string, string>(), [], payload, "", agentName);

    public bool TryResolve(string path, out JsonElement value)
    {
        value = default;
        var parts = path.Split('.');
        switch (parts[0])
        {
            case "input" when parts.Length == 1:
                value = JsonSerializer.SerializeToElement(Input);
                return true;
            case "thread" when parts is [_, "id"]:
                value = JsonSerializer.SerializeToElement(ThreadId);
                return true;
            case "agent" when parts is [_, "name"]:
                value = JsonSerializer.SerializeToElement(AgentName);
                return true;
            case "args" when parts.Length == 2 && Arguments.TryGetValue(parts[1], out var arg):
                value = JsonSerializer.SerializeToElement(arg);
                return true;
            case "results" when parts.Length >= 2:
                var latest = Results.LastOrDefault(r => r.Tool == parts[1]);
                return latest is not null && TryWalk(latest.Result, parts.AsSpan(2), out value);
            case "payload" when Payload is { } payload:
                return TryWalk(payload, parts.AsSpan(1), out value);
            case "params" when CallParameters is { } callParameters:
                return TryWalk(callParameters, parts.AsSpan(1), out value);
            case "result" when CallResult is { } callResult:
                return TryWalk(callResult, parts.AsSpan(1), out value);
            case "steps" when Steps is { } steps:
                return TryWalk(steps, parts.AsSpan(1), out value);
            default:
                return false;
        }
    }

    private static bool TryWalk(JsonElement current, ReadOnlySpan<string> path, out JsonElement value)
    {
        foreach (var segment in path)
        {
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(segment, out var next))
                current = next;
            else if (current.ValueKind == JsonValueKind.Array
                     && int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                     && index < current.GetArrayLength())
                current = current[index];
            else
            {
                value = default;
                return false;
            }
        }
        value = current;
        return true;
    }
}
