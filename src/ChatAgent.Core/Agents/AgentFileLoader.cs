using System.Text.Json;
using System.Text.RegularExpressions;
using ChatAgent.Core.Tools;
using YamlDotNet.RepresentationModel;

namespace ChatAgent.Core.Agents;

/// <summary>Reads one <c>agents/&lt;name&gt;.yaml</c>; reports problems and returns null when the file is unusable.</summary>
internal static partial class AgentFileLoader
{
    private static readonly string[] AgentKeys = ["name", "description", "prompt", "tools", "max_steps", "command", "default_input", "messages", "triggers", "plan"];
    private static readonly string[] AgentMessageKeys = ["status", "final"];
    private static readonly string[] TriggerKeys = ["slash", "webhooks", "cron"];
    private static readonly string[] WebhookKeys = ["name", "input", "when"];
    private static readonly string[] CronKeys = ["schedule", "time_zone", "input", "channel", "channels"];
    private static readonly string[] StepKeys = ["tool", "parameters", "when", "reason", "ask_if", "question", "answer_sets"];

    public static AgentDefinition? Load(string agentsPath, string path, IReadOnlySet<string> tools, ConfigProblems problems)
    {
        var file = Path.GetFileName(path);
        var root = YamlNodes.ParseMapping(path, file, problems);
        if (root is null) return null;
        var count = problems.Items.Count;
        var e = YamlNodes.Entries(root, file, "the agent", AgentKeys, problems);

        var name = YamlNodes.String(e, "name", file, problems, required: true) ?? "";
        if (name.Length > 0 && !NameRegex().IsMatch(name)) problems.Add(file, e["name"], $"agent name '{name}' must be lower-case letters, digits and dashes");
        var description = YamlNodes.String(e, "description", file, problems, required: true) ?? "";
        var prompt = LoadPrompt(agentsPath, file, e, problems);

        var toolNames = YamlNodes.StringList(e, "tools", file, problems);
        foreach (var (tool, node) in toolNames.Where(t => !tools.Contains(t.Value)))
            problems.Add(file, node, $"unknown tool '{tool}'; define it in tools.yaml or use a built-in ({string.Join(", ", BuiltinTools.All.Keys)})");

        var maxSteps = YamlNodes.Int(e, "max_steps", file, problems) ?? 10;
        if (maxSteps is < 3 or > 20) problems.Add(file, e["max_steps"], $"max_steps must be between 3 and 20, not {maxSteps}");

        var command = CommandGrammar.FreeText;
        if (YamlNodes.String(e, "command", file, problems) is { } pattern)
        {
            try { command = new CommandGrammar(pattern); }
            catch (FormatException ex) { problems.Add(file, e["command"], $"bad command grammar: {ex.Message}"); }
        }

        var triggers = e.TryGetValue("triggers", out var triggersNode) ? LoadTriggers(name, file, triggersNode, problems) : AgentTriggers.None;
        var agentTools = toolNames.Select(t => t.Value).ToHashSet(StringComparer.Ordinal);
        var plan = e.TryGetValue("plan", out var planNode) ? LoadPlan(file, planNode, agentTools, tools, command, problems) : [];

        var defaultInput = YamlNodes.String(e, "default_input", file, problems);
        if (defaultInput is not null && !command.TryParse(defaultInput, out _))
            problems.Add(file, e["default_input"], $"default_input '{defaultInput}' does not fit the command grammar '{command.Pattern}'");
        var messages = LoadMessages(file, e, problems);

        if (problems.Items.Count > count || prompt is null) return null;
        return new AgentDefinition(name, description, YamlNodes.Scalar(e["prompt"])!, prompt, [.. toolNames.Select(t => t.Value)],
            maxSteps, command, triggers, plan, path) { DefaultInput = defaultInput, Messages = messages };
    }

    private static AgentMessages LoadMessages(string file, Dictionary<string, YamlNode> e, ConfigProblems problems)
    {
        if (!e.TryGetValue("messages", out var node)) return AgentMessages.All;
        if (node is not YamlMappingNode map)
        {
            problems.Add(file, node, "'messages' must be a mapping with status and final (true or false)");
            return AgentMessages.All;
        }
        var m = YamlNodes.Entries(map, file, "messages", AgentMessageKeys, problems);
        return new AgentMessages(YamlNodes.Bool(m, "status", file, problems) ?? true, YamlNodes.Bool(m, "final", file, problems) ?? true);
    }

    private static PromptTemplate? LoadPrompt(string agentsPath, string file, Dictionary<string, YamlNode> e, ConfigProblems problems)
    {
        if (YamlNodes.String(e, "prompt", file, problems, required: true) is not { } relative) return null;
        var full = Path.GetFullPath(Path.Combine(agentsPath, relative));
        if (File.Exists(full)) return new PromptTemplate(full, File.ReadAllText(full));
        problems.Add(file, e["prompt"], $"prompt file '{relative}' does not exist (looked for {full})");
        return null;
    }

    internal static AgentTriggers LoadTriggers(string agent, string file, YamlNode node, ConfigProblems problems)
    {
        if (node is not YamlMappingNode map)
        {
            problems.Add(file, node, "'triggers' must be a mapping with slash, webhooks and cron");
            return AgentTriggers.None;
        }
        var e = YamlNodes.Entries(map, file, "triggers", TriggerKeys, problems);
        var slash = YamlNodes.StringList(e, "slash", file, problems);
        foreach (var (word, item) in slash.Where(s => !NameRegex().IsMatch(s.Value)))
            problems.Add(file, item, $"slash word '{word}' must be lower-case letters, digits and dashes");

        var webhooks = Items(e, "webhooks", file, problems).Select(item =>
        {
            var w = YamlNodes.Entries(item, file, "a webhook trigger", WebhookKeys, problems);
            var input = YamlNodes.String(w, "input", file, problems) ?? "";
            foreach (var placeholder in TemplateRenderer.Placeholders(input).Where(p => p != "payload" && !p.StartsWith("payload.", StringComparison.Ordinal)))
                problems.Add(file, w["input"], $"webhook input can only read the payload, not '{{{{{placeholder}}}}}'");
            return new WebhookTrigger(
                YamlNodes.String(w, "name", file, problems, required: true) ?? "",
                input,
                YamlNodes.StringMap(w, "when", file, problems));
        }).ToList();

        var cron = Items(e, "cron", file, problems).Select((item, index) =>
        {
            var c = YamlNodes.Entries(item, file, "a cron trigger", CronKeys, problems);
            var schedule = YamlNodes.String(c, "schedule", file, problems, required: true) ?? "";
            if (schedule.Length > 0 && CronExpressionValidator.Validate(schedule) is { } error) problems.Add(file, c["schedule"], error);
            var zone = YamlNodes.String(c, "time_zone", file, problems) ?? "UTC";
            if (!IsKnownTimeZone(zone)) problems.Add(file, c["time_zone"], $"unknown time zone '{zone}' (use an IANA id such as Europe/London)");
            var channels = YamlNodes.StringList(c, "channels", file, problems).Select(v => v.Value).ToList();
            if (YamlNodes.String(c, "channel", file, problems) is { } channel) channels.Insert(0, channel);
            return new CronTrigger($"{agent}:cron:{index}", schedule, zone,
                YamlNodes.String(c, "input", file, problems) ?? "", [.. channels.Distinct(StringComparer.Ordinal)]);
        }).ToList();

        return new AgentTriggers([.. slash.Select(s => s.Value)], webhooks, cron);
    }

    private static List<PlanStep> LoadPlan(
        string file, YamlNode node, HashSet<string> agentTools, IReadOnlySet<string> tools, CommandGrammar command, ConfigProblems problems)
    {
        var steps = new List<PlanStep>();
        foreach (var item in Items(new() { ["plan"] = node }, "plan", file, problems))
        {
            var s = YamlNodes.Entries(item, file, "a plan step", StepKeys, problems);
            var tool = YamlNodes.String(s, "tool", file, problems, required: true) ?? "";
            if (tool.Length > 0 && !tools.Contains(tool)) problems.Add(file, s["tool"], $"plan uses unknown tool '{tool}'");
            else if (tool.Length > 0 && !agentTools.Contains(tool)) problems.Add(file, s["tool"], $"plan uses tool '{tool}', which is not in the agent's tools");
            var parameters = s.TryGetValue("parameters", out var p) ? YamlNodes.ToJson(p) : null;
            if (s.ContainsKey("parameters") && parameters is not System.Text.Json.Nodes.JsonObject)
                problems.Add(file, p, "plan step parameters must be a mapping");
            var when = YamlNodes.StringMap(s, "when", file, problems);
            var templates = TemplateTexts(parameters).Concat(when.Keys).Concat(when.Values);
            foreach (var placeholder in templates.SelectMany(TemplateRenderer.Placeholders))
            {
                if (CheckPlaceholder(placeholder, agentTools, command) is { } error) problems.Add(file, item, error);
            }
            var (askIf, question, answerSets) = LoadAsk(file, item, s, agentTools, command, problems);
            steps.Add(new PlanStep(tool, JsonSerializer.SerializeToElement(parameters ?? new System.Text.Json.Nodes.JsonObject()), when,
                YamlNodes.String(s, "reason", file, problems)) { AskIf = askIf, Question = question, AnswerSets = answerSets });
        }
        return steps;
    }

    /// <summary><c>ask_if: {"{{args.env}}": {not_in: [staging, production]}}</c> or <c>{"{{args.version}}": ""}</c>, with <c>question</c>.</summary>
    private static (List<AskCondition>, string?, string?) LoadAsk(
        string file, YamlMappingNode item, Dictionary<string, YamlNode> s, HashSet<string> agentTools, CommandGrammar command, ConfigProblems problems)
    {
        var conditions = new List<AskCondition>();
        var question = YamlNodes.String(s, "question", file, problems);
        var answerSets = YamlNodes.String(s, "answer_sets", file, problems);
        if (!s.TryGetValue("ask_if", out var node))
        {
            if (question is not null || answerSets is not null) problems.Add(file, item, "'question' and 'answer_sets' need 'ask_if'");
            return (conditions, null, null);
        }
        if (node is not YamlMappingNode map)
        {
            problems.Add(file, node, "'ask_if' must map a template to a value or to {not_in: [...]}");
            return (conditions, null, null);
        }
        foreach (var (keyNode, valueNode) in map.Children)
        {
            var template = YamlNodes.Scalar(keyNode) ?? "";
            if (valueNode is YamlMappingNode notIn && YamlNodes.ToJson(notIn) is System.Text.Json.Nodes.JsonObject { Count: 1 } o && o["not_in"] is System.Text.Json.Nodes.JsonArray list)
                conditions.Add(new AskCondition(template, null, [.. list.Select(v => v?.ToString() ?? "")]));
            else if (YamlNodes.Scalar(valueNode) is { } equals)
                conditions.Add(new AskCondition(template, equals, null));
            else
                problems.Add(file, valueNode, $"ask_if '{template}' must be a value or {{not_in: [...]}}");
        }
        if (question is null) problems.Add(file, item, "a step with 'ask_if' needs the 'question' to ask");
        if (!agentTools.Contains(BuiltinTools.AskHuman)) problems.Add(file, item, "a step with 'ask_if' needs 'ask_human' in the agent's tools");
        if (answerSets is not null && !command.Names.Contains(answerSets))
            problems.Add(file, s["answer_sets"], $"answer_sets '{answerSets}' names no argument of the command grammar '{command.Pattern}'");
        foreach (var placeholder in conditions.Select(c => c.Template).Append(question ?? "").SelectMany(TemplateRenderer.Placeholders))
        {
            if (CheckPlaceholder(placeholder, agentTools, command) is { } error) problems.Add(file, item, error);
        }
        return (conditions, question, answerSets);
    }

    private static string? CheckPlaceholder(string placeholder, HashSet<string> agentTools, CommandGrammar command)
    {
        var parts = placeholder.Split('.');
        return parts[0] switch
        {
            "input" or "payload" or "thread" or "agent" => null,
            "args" when parts.Length == 2 && command.Names.Contains(parts[1]) => null,
            "args" => $"placeholder '{{{{{placeholder}}}}}' names no argument of the command grammar '{command.Pattern}'",
            "results" when parts.Length >= 2 && agentTools.Contains(parts[1]) => null,
            "results" => $"placeholder '{{{{{placeholder}}}}}' reads the result of a tool the agent does not use",
            _ => $"unknown placeholder '{{{{{placeholder}}}}}'; it must start with one of {string.Join(", ", TemplateScope.Roots)}",
        };
    }

    private static IEnumerable<string> TemplateTexts(System.Text.Json.Nodes.JsonNode? node) => node switch
    {
        System.Text.Json.Nodes.JsonObject o => o.SelectMany(p => TemplateTexts(p.Value)),
        System.Text.Json.Nodes.JsonArray a => a.SelectMany(TemplateTexts),
        System.Text.Json.Nodes.JsonValue v when v.GetValueKind() == JsonValueKind.String => [v.GetValue<string>()],
        _ => [],
    };

    private static IEnumerable<YamlMappingNode> Items(Dictionary<string, YamlNode> e, string key, string file, ConfigProblems problems)
    {
        if (!e.TryGetValue(key, out var node)) yield break;
        if (node is not YamlSequenceNode seq)
        {
            problems.Add(file, node, $"'{key}' must be a list");
            yield break;
        }
        foreach (var item in seq)
        {
            if (item is YamlMappingNode map) yield return map;
            else problems.Add(file, item, $"each item of '{key}' must be a mapping");
        }
    }

    private static bool IsKnownTimeZone(string id)
    {
        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*$")]
    private static partial Regex NameRegex();
}
