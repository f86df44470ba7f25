using System.Text.Json.Nodes;
using ChatAgent.Core.Tools;
using NJsonSchema;
using YamlDotNet.RepresentationModel;

namespace ChatAgent.Core.Agents;

/// <summary>
/// Reads <c>tools.yaml</c>: <c>tools: { &lt;name&gt;: { description, kind, idempotent, parameters, runner, timeout,
/// retries, approval } }</c>. The built-in tools are always present; an entry with a built-in's name overrides
/// its description, timeout and approval policy only.
/// </summary>
internal static class ToolCatalogLoader
{
    public const string FileName = "tools.yaml";

    private static readonly string[] ToolKeys = ["description", "kind", "idempotent", "parameters", "runner", "timeout", "retries", "approval", "preconditions", "verify"];
    private static readonly string[] RunnerKeys = [RunnerSpec.Builtin, RunnerSpec.Http, RunnerSpec.Shell, "secret"];
    private static readonly string[] ApprovalKeys = ["approvers", "quorum", "allow_self_approval", "expires_after", "remind_after", "escalate_after", "escalate_to", "confirm", "editable", "grants", "direct_message"];

    private static readonly string[] GrantKeys = ["on", "max_for"];
    private static readonly Dictionary<string, ToolKind> Kinds = new(StringComparer.Ordinal)
    {
        ["immediate"] = ToolKind.Immediate, ["requires_approval"] = ToolKind.RequiresApproval,
        ["human"] = ToolKind.Human, ["terminal"] = ToolKind.Terminal,
    };

    public const string EmptySchema = """{"type":"object","properties":{},"additionalProperties":false}""";

    /// <param name="declared">Every tool name the catalog declares, valid or not, so an agent using a broken tool is not
    /// reported a second time as using an unknown one.</param>
    public static Dictionary<string, ToolDefinition> Load(string agentsPath, ConfigProblems problems, out HashSet<string> declared)
    {
        declared = new HashSet<string>(BuiltinTools.All.Keys, StringComparer.Ordinal);
        var tools = new Dictionary<string, ToolDefinition>(BuiltinTools.All, StringComparer.Ordinal);
        var path = Path.Combine(agentsPath, FileName);
        if (!File.Exists(path)) return tools;
        var root = YamlNodes.ParseMapping(path, FileName, problems);
        if (root is null) return tools;
        var top = YamlNodes.Entries(root, FileName, "tools.yaml", ["tools"], problems);
        if (!top.TryGetValue("tools", out var toolsNode)) return tools;
        if (toolsNode is not YamlMappingNode toolsMap)
        {
            problems.Add(FileName, toolsNode, "'tools' must be a mapping of tool name to definition");
            return tools;
        }
        foreach (var (nameNode, definition) in toolsMap.Children)
        {
            var name = YamlNodes.Scalar(nameNode) ?? "";
            declared.Add(name);
            if (definition is not YamlMappingNode map)
            {
                problems.Add(FileName, definition, $"tool '{name}' must be a mapping");
                continue;
            }
            if (LoadTool(name, map, agentsPath, problems) is { } tool) tools[name] = tool;
        }
        ToolCheckLoader.CheckTargets(tools, toolsMap, problems);
        return tools;
    }

    private static ToolDefinition? LoadTool(string name, YamlMappingNode map, string agentsPath, ConfigProblems problems)
    {
        var count = problems.Items.Count;
        var e = YamlNodes.Entries(map, FileName, $"tool '{name}'", ToolKeys, problems);
        var description = YamlNodes.String(e, "description", FileName, problems);
        var timeout = YamlNodes.Duration(e, "timeout", FileName, problems) ?? RunnerSpec.DefaultTimeout;
        var retries = YamlNodes.Int(e, "retries", FileName, problems) ?? 0;
        if (retries is < 0 or > 10) problems.Add(FileName, e["retries"], $"tool '{name}': retries must be between 0 and 10");
        var approval = e.TryGetValue("approval", out var approvalNode) ? LoadApproval(name, approvalNode, problems) : null;

        if (BuiltinTools.All.TryGetValue(name, out var builtin))
        {
            foreach (var fixedKey in new[] { "kind", "parameters", "runner", "idempotent" }.Where(e.ContainsKey))
                problems.Add(FileName, e[fixedKey], $"tool '{name}' is built in; its '{fixedKey}' cannot be changed");
            return builtin with
            {
                Description = description ?? builtin.Description,
                Approval = approval ?? builtin.Approval,
                Runner = builtin.Runner with { Timeout = timeout },
            };
        }

        if (description is null && !e.ContainsKey("description")) problems.Add(FileName, map, $"tool '{name}' needs a description");
        var kind = ToolKind.Immediate;
        if (YamlNodes.String(e, "kind", FileName, problems) is { } kindText && !Kinds.TryGetValue(kindText, out kind))
            problems.Add(FileName, e["kind"], $"tool '{name}': unknown kind '{kindText}'; use one of {string.Join(", ", Kinds.Keys)}");
        var schema = e.TryGetValue("parameters", out var parametersNode) ? LoadSchema(name, parametersNode, problems) : EmptySchema;
        var runner = e.TryGetValue("runner", out var runnerNode)
            ? LoadRunner(name, runnerNode, timeout, retries, agentsPath, problems)
            : null;
        if (runner is null && !e.ContainsKey("runner")) problems.Add(FileName, map, $"tool '{name}' needs a runner (builtin, http or shell)");
        if (kind == ToolKind.RequiresApproval && approval is null)
            problems.Add(FileName, map, $"tool '{name}' is requires_approval but has no approval policy");
        if (kind != ToolKind.RequiresApproval && approval is not null)
            problems.Add(FileName, approvalNode, $"tool '{name}' has an approval policy but its kind is not requires_approval");

        if (approval?.Grants is { On.Count: > 0 } grants && schema is not null)
        {
            // A misspelt name would make grants that never cover a call: refuse it at load.
            var known = System.Text.Json.JsonDocument.Parse(schema).RootElement is { ValueKind: System.Text.Json.JsonValueKind.Object } root
                && root.TryGetProperty("properties", out var properties) && properties.ValueKind == System.Text.Json.JsonValueKind.Object
                ? properties.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal)
                : [];
            foreach (var missing in grants.On.Where(n => !known.Contains(n)))
                problems.Add(FileName, approvalNode!, $"tool '{name}': grants.on names '{missing}', which is not one of its parameters ({string.Join(", ", known.Order(StringComparer.Ordinal))})");
        }

        var idempotent = YamlNodes.Bool(e, "idempotent", FileName, problems) ?? false;
        var preconditions = ToolCheckLoader.Load(name, e, "preconditions", problems);
        var verify = ToolCheckLoader.Load(name, e, "verify", problems);
        if ((preconditions.Count > 0 || verify.Count > 0) && kind is not (ToolKind.Immediate or ToolKind.RequiresApproval))
            problems.Add(FileName, map, $"tool '{name}': only immediate and requires_approval tools can have preconditions or verify");
        if (problems.Items.Count > count || runner is null || schema is null) return null;
        return new ToolDefinition(name, description!, kind, schema, runner, idempotent, approval) { Preconditions = preconditions, Verify = verify };
    }

    /// <summary>
    /// <c>preconditions</c> / <c>verify</c>: one check or a list of them. A check is
    /// <c>{tool, parameters, expect}</c> (run a tool; pass when it succeeds and its result matches <c>expect</c>) or
    /// <c>{result: path, equals: value}</c> (verify only: the call's own result has that value).
    /// </summary>
    private static string? LoadSchema(string tool, YamlNode node, ConfigProblems problems)
    {
        var json = YamlNodes.ToJson(node);
        if (json is not JsonObject obj || obj["type"]?.ToString() != "object")
        {
            problems.Add(FileName, node, $"tool '{tool}': parameters must be a JSON Schema with type: object");
            return null;
        }
        var text = obj.ToJsonString();
        if (SchemaMetaValidator.FindProblem(obj) is { } shapeProblem)
        {
            problems.Add(FileName, node, $"tool '{tool}': parameters is not a valid JSON Schema: {shapeProblem}");
            return null;
        }
        try
        {
            JsonSchema.FromJsonAsync(text).GetAwaiter().GetResult();
            return text;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            problems.Add(FileName, node, $"tool '{tool}': parameters is not a valid JSON Schema: {ex.Message}");
            return null;
        }
    }

    private static RunnerSpec? LoadRunner(string tool, YamlNode node, TimeSpan timeout, int retries, string agentsPath, ConfigProblems problems)
    {
        if (node is not YamlMappingNode map)
        {
            problems.Add(FileName, node, $"tool '{tool}': runner must be a mapping such as {{shell: scripts/x.sh}} or {{http: https://..., secret: name}}");
            return null;
        }
        var e = YamlNodes.Entries(map, FileName, $"the runner of tool '{tool}'", RunnerKeys, problems);
        var types = new[] { RunnerSpec.Builtin, RunnerSpec.Http, RunnerSpec.Shell }.Where(e.ContainsKey).ToList();
        if (types.Count != 1)
        {
            problems.Add(FileName, node, $"tool '{tool}': runner must name exactly one of builtin, http, shell");
            return null;
        }
        var type = types[0];
        var target = YamlNodes.String(e, type, FileName, problems);
        if (target is null) return null;
        var secret = YamlNodes.String(e, "secret", FileName, problems);
        switch (type)
        {
            case RunnerSpec.Builtin:
                problems.Add(FileName, e[type], $"tool '{tool}': '{target}' is not a built-in tool (use the built-in's own name, without a catalog runner)");
                return null;
            case RunnerSpec.Http when !Uri.TryCreate(target, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"):
                problems.Add(FileName, e[type], $"tool '{tool}': '{target}' is not an absolute http(s) URL");
                return null;
            case RunnerSpec.Shell when ShellScripts.Resolve(agentsPath, target) is { Error: { } error }:
                problems.Add(FileName, e[type], $"tool '{tool}': {error}");
                return null;
        }
        return new RunnerSpec(type, target, timeout, retries, secret);
    }

    private static ApprovalPolicy? LoadApproval(string tool, YamlNode node, ConfigProblems problems)
    {
        if (node is not YamlMappingNode map)
        {
            problems.Add(FileName, node, $"tool '{tool}': approval must be a mapping");
            return null;
        }
        var e = YamlNodes.Entries(map, FileName, $"the approval of tool '{tool}'", ApprovalKeys, problems);
        var approvers = YamlNodes.StringList(e, "approvers", FileName, problems);
        foreach (var (value, item) in approvers.Where(a => !a.Value.Contains(':')))
            problems.Add(FileName, item, $"tool '{tool}': approver '{value}' must be qualified, e.g. group:deployers or slack:U123");
        var quorum = YamlNodes.Int(e, "quorum", FileName, problems) ?? 1;
        if (quorum < 1) problems.Add(FileName, e["quorum"], $"tool '{tool}': quorum must be at least 1");
        return new ApprovalPolicy(
            [.. approvers.Select(a => a.Value)],
            quorum,
            YamlNodes.Bool(e, "allow_self_approval", FileName, problems) ?? false,
            YamlNodes.Duration(e, "expires_after", FileName, problems) ?? ApprovalPolicy.DefaultExpiry,
            YamlNodes.Duration(e, "remind_after", FileName, problems),
            YamlNodes.Duration(e, "escalate_after", FileName, problems),
            e.ContainsKey("escalate_to") ? [.. YamlNodes.StringList(e, "escalate_to", FileName, problems).Select(a => a.Value)] : null,
            YamlNodes.Bool(e, "confirm", FileName, problems) ?? false,
            YamlNodes.Bool(e, "editable", FileName, problems) ?? true,
            e.TryGetValue("grants", out var grantsNode) ? LoadGrants(tool, grantsNode, quorum, problems) : null,
            YamlNodes.Bool(e, "direct_message", FileName, problems) ?? false);
    }

    /// <summary><c>grants: { on: [service, env], max_for: 1h }</c>: the tool may be allowed for a while (one approver stands for the grant, so quorum 1).</summary>
    private static GrantPolicy? LoadGrants(string tool, YamlNode node, int quorum, ConfigProblems problems)
    {
        if (node is not YamlMappingNode map)
        {
            problems.Add(FileName, node, $"tool '{tool}': grants must be a mapping such as {{on: [service], max_for: 1h}}");
            return null;
        }
        var e = YamlNodes.Entries(map, FileName, $"the grants of tool '{tool}'", GrantKeys, problems);
        var on = e.ContainsKey("on") ? YamlNodes.StringList(e, "on", FileName, problems).Select(a => a.Value).ToList() : [];
        var maxFor = YamlNodes.Duration(e, "max_for", FileName, problems) ?? GrantPolicy.DefaultMaxFor;
        if (maxFor > GrantPolicy.Longest)
            problems.Add(FileName, e["max_for"], $"tool '{tool}': grants.max_for may be at most {Durations.Describe(GrantPolicy.Longest)}");
        if (quorum > 1)
            problems.Add(FileName, node, $"tool '{tool}': a tool whose approval needs a quorum of {quorum} cannot have grants (one person's grant would stand for {quorum})");
        return new GrantPolicy(on, maxFor);
    }
}
