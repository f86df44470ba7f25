using System.Text.Json.Nodes;
using ChatAgent.Core.Tools;
using YamlDotNet.RepresentationModel;

namespace ChatAgent.Core.Agents;

/// <summary>
/// Reads a tool's <c>preconditions</c> and <c>verify</c> lists in <c>tools.yaml</c>: each check runs a check tool with
/// parameters and expected result fields, or asserts on the call's own result (verify only).
/// </summary>
internal static class ToolCheckLoader
{
    private static readonly string[] CheckKeys = ["description", "tool", "parameters", "expect", "result", "equals"];

    public static List<ToolCheck> Load(string tool, Dictionary<string, YamlNode> e, string key, ConfigProblems problems)
    {
        var checks = new List<ToolCheck>();
        if (!e.TryGetValue(key, out var node)) return checks;
        IEnumerable<YamlNode> items = node is YamlSequenceNode seq ? seq.Children : [node];
        foreach (var item in items)
        {
            if (item is not YamlMappingNode map)
            {
                problems.Add(ToolCatalogLoader.FileName, item, $"tool '{tool}': each of '{key}' must be a mapping such as {{tool: health_check, parameters: {{...}}, expect: {{healthy: true}}}} or {{result: deployed, equals: true}}");
                continue;
            }
            var c = YamlNodes.Entries(map, ToolCatalogLoader.FileName, $"a check of tool '{tool}'", CheckKeys, problems);
            var checkTool = YamlNodes.String(c, "tool", ToolCatalogLoader.FileName, problems);
            var expect = new Dictionary<string, System.Text.Json.JsonElement>(StringComparer.Ordinal);
            if (c.TryGetValue("expect", out var expectNode))
            {
                if (YamlNodes.ToJson(expectNode) is JsonObject obj)
                    foreach (var (path, value) in obj) expect[path] = System.Text.Json.JsonSerializer.SerializeToElement(value);
                else problems.Add(ToolCatalogLoader.FileName, expectNode, $"tool '{tool}': 'expect' must map result paths to values");
            }
            var resultPath = YamlNodes.String(c, "result", ToolCatalogLoader.FileName, problems);
            if (resultPath is not null)
            {
                if (checkTool is not null) problems.Add(ToolCatalogLoader.FileName, map, $"tool '{tool}': a check either runs a tool or asserts on 'result', not both");
                if (!c.TryGetValue("equals", out var equalsNode)) problems.Add(ToolCatalogLoader.FileName, map, $"tool '{tool}': a 'result' assertion needs 'equals'");
                else expect[resultPath] = System.Text.Json.JsonSerializer.SerializeToElement(YamlNodes.ToJson(equalsNode));
                if (key == "preconditions") problems.Add(ToolCatalogLoader.FileName, map, $"tool '{tool}': a precondition cannot assert on the result; the call has not run yet");
            }
            else if (checkTool is null)
            {
                problems.Add(ToolCatalogLoader.FileName, map, $"tool '{tool}': a check needs 'tool' (run a check tool) or 'result' + 'equals' (assert on the result)");
            }
            var parameters = c.TryGetValue("parameters", out var p) ? YamlNodes.ToJson(p) : new JsonObject();
            if (parameters is not JsonObject) problems.Add(ToolCatalogLoader.FileName, p, $"tool '{tool}': check parameters must be a mapping");
            foreach (var placeholder in Texts(parameters).SelectMany(TemplateRenderer.Placeholders))
            {
                var root = placeholder.Split('.')[0];
                if (root is not ("params" or "result" or "thread" or "agent" or "args" or "input"))
                    problems.Add(ToolCatalogLoader.FileName, map, $"tool '{tool}': check placeholder '{{{{{placeholder}}}}}' must read params.*, result.*, args.*, input, thread.id or agent.name");
                else if (root == "result" && key == "preconditions")
                    problems.Add(ToolCatalogLoader.FileName, map, $"tool '{tool}': a precondition cannot read '{{{{{placeholder}}}}}'; the call has not run yet");
            }
            var description = YamlNodes.String(c, "description", ToolCatalogLoader.FileName, problems)
                ?? (checkTool is not null ? checkTool : $"result.{resultPath} = {(expect.TryGetValue(resultPath ?? "", out var v) ? v.GetRawText() : "?")}");
            checks.Add(new ToolCheck(description, checkTool, System.Text.Json.JsonSerializer.SerializeToElement(parameters ?? new JsonObject()), expect));
        }
        return checks;
    }

    /// <summary>A check tool must exist and be immediate: a check never asks people and never ends a thread.</summary>
    /// <summary>Every check tool exists, is immediate, and has no checks of its own.</summary>
    public static void CheckTargets(Dictionary<string, ToolDefinition> tools, YamlMappingNode toolsMap, ConfigProblems problems)
    {
        foreach (var tool in tools.Values)
        {
            foreach (var check in tool.Preconditions.Concat(tool.Verify).Where(c => c.Tool is not null))
            {
                var node = toolsMap.Children.FirstOrDefault(kv => YamlNodes.Scalar(kv.Key) == tool.Name).Value;
                if (!tools.TryGetValue(check.Tool!, out var target))
                    problems.Add(ToolCatalogLoader.FileName, node, $"tool '{tool.Name}': check tool '{check.Tool}' is not defined");
                else if (target.Kind != ToolKind.Immediate)
                    problems.Add(ToolCatalogLoader.FileName, node, $"tool '{tool.Name}': check tool '{check.Tool}' must be immediate, not {target.Kind}");
                else if (target.Preconditions.Count > 0 || target.Verify.Count > 0)
                    problems.Add(ToolCatalogLoader.FileName, node, $"tool '{tool.Name}': check tool '{check.Tool}' must not have checks of its own");
            }
        }
    }

    private static IEnumerable<string> Texts(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Texts(p.Value)),
        JsonArray a => a.SelectMany(Texts),
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => [v.GetValue<string>()],
        _ => [],
    };
}
