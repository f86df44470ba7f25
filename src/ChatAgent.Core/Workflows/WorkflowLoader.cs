using System.Text.RegularExpressions;
using ChatAgent.Core.Agents;
using YamlDotNet.RepresentationModel;

namespace ChatAgent.Core.Workflows;

/// <summary>
/// Loads <c>workflows/*.yaml</c> next to a loaded agent catalog and returns a catalog in which each workflow is also a
/// launchable agent (same triggers and grammar; <see cref="AgentDefinition.Workflow"/> set). Either every file is valid,
/// or one <see cref="AgentConfigurationException"/> lists every problem as <c>file:line: what is wrong</c>.
/// </summary>
public static partial class WorkflowLoader
{
    private static readonly string[] WorkflowKeys = ["name", "description", "command", "triggers", "steps"];
    private static readonly string[] StepKeys = ["id", "agent", "input", "max_steps", "next", "branch", "parallel", "finish"];
    private static readonly string[] CaseKeys = ["when", "goto"];
    private static readonly string[] FinishKeys = ["summary", "outcome"];

    public static AgentCatalog Load(AgentCatalog agents, string workflowsPath)
    {
        if (!Directory.Exists(workflowsPath)) return agents;
        var problems = new ConfigProblems();
        var workflows = new List<WorkflowDefinition>();
        var files = Directory.EnumerateFiles(workflowsPath, "*.yaml").Concat(Directory.EnumerateFiles(workflowsPath, "*.yml")).Order(StringComparer.Ordinal);
        foreach (var path in files)
        {
            if (LoadFile(path, agents, problems) is { } workflow) workflows.Add(workflow);
        }
        var names = new HashSet<string>(agents.Agents.Select(a => a.Name), StringComparer.Ordinal);
        var slash = new HashSet<string>(agents.Agents.SelectMany(a => a.Triggers.Slash), StringComparer.OrdinalIgnoreCase);
        foreach (var w in workflows)
        {
            var file = Path.GetFileName(w.SourceFile);
            if (!names.Add(w.Name)) problems.Add(file, (YamlDotNet.Core.Mark?)null, $"workflow name '{w.Name}' is already used by an agent or another workflow");
            foreach (var word in w.Triggers.Slash.Where(word => !slash.Add(word)))
                problems.Add(file, (YamlDotNet.Core.Mark?)null, $"duplicate slash word '{word}'");
        }
        problems.ThrowIfAny();
        var launchable = workflows.Select(w => new AgentDefinition(w.Name, w.Description, "", new PromptTemplate(w.SourceFile, ""), [],
            Math.Max(1, w.AgentSteps.Count()), w.Command, w.Triggers, [], w.SourceFile) { Workflow = w });
        return new AgentCatalog([.. agents.Agents, .. launchable], agents.Tools);
    }

    private static WorkflowDefinition? LoadFile(string path, AgentCatalog agents, ConfigProblems problems)
    {
        var file = Path.GetFileName(path);
        var root = YamlNodes.ParseMapping(path, file, problems);
        if (root is null) return null;
        var count = problems.Items.Count;
        var e = YamlNodes.Entries(root, file, "the workflow", WorkflowKeys, problems);
        var name = YamlNodes.String(e, "name", file, problems, required: true) ?? "";
        if (name.Length > 0 && !NameRegex().IsMatch(name)) problems.Add(file, e["name"], $"workflow name '{name}' must be lower-case letters, digits and dashes");
        var description = YamlNodes.String(e, "description", file, problems, required: true) ?? "";
        var command = CommandGrammar.FreeText;
        if (YamlNodes.String(e, "command", file, problems) is { } pattern)
        {
            try { command = new CommandGrammar(pattern); }
            catch (FormatException ex) { problems.Add(file, e["command"], $"bad command grammar: {ex.Message}"); }
        }
        var triggers = e.TryGetValue("triggers", out var t) ? AgentFileLoader.LoadTriggers(name, file, t, problems) : AgentTriggers.None;
        var nodes = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        var steps = new List<WorkflowStep>();
        if (!e.TryGetValue("steps", out var stepsNode) || stepsNode is not YamlSequenceNode seq || seq.Children.Count == 0)
            problems.Add(file, e.GetValueOrDefault("steps") ?? root, "a workflow needs a non-empty list of 'steps'");
        else
            foreach (var item in seq) if (LoadStep(file, item, agents, nodes, problems, nested: false) is { } step) steps.Add(step);

        var workflow = new WorkflowDefinition(name, description, command, triggers, steps, path);
        CheckFlow(file, workflow, nodes, command, problems);
        return problems.Items.Count > count ? null : workflow;
    }

    private static WorkflowStep? LoadStep(string file, YamlNode item, AgentCatalog agents, Dictionary<string, YamlNode> nodes, ConfigProblems problems, bool nested)
    {
        if (item is not YamlMappingNode map)
        {
            problems.Add(file, item, "each step must be a mapping");
            return null;
        }
        var s = YamlNodes.Entries(map, file, "a step", StepKeys, problems);
        var id = YamlNodes.String(s, "id", file, problems, required: true) ?? "";
        if (id.Length > 0 && !StepIdRegex().IsMatch(id)) problems.Add(file, s["id"], $"step id '{id}' must be letters, digits, '_' and '-'");
        else if (id.Length > 0 && !nodes.TryAdd(id, map)) problems.Add(file, s["id"], $"duplicate step id '{id}'");
        var kinds = new[] { "agent", "branch", "parallel", "finish" }.Where(s.ContainsKey).ToList();
        if (kinds.Count != 1)
        {
            problems.Add(file, map, $"step '{id}' must have exactly one of agent, branch, parallel, finish");
            return null;
        }
        var next = YamlNodes.String(s, "next", file, problems);
        switch (kinds[0])
        {
            case "agent":
                var agent = YamlNodes.String(s, "agent", file, problems) ?? "";
                var definition = agents.FindAgent(agent);
                if (definition is null) problems.Add(file, s["agent"], $"unknown agent '{agent}'; agents: {string.Join(", ", agents.Agents.Select(a => a.Name))}");
                var maxSteps = YamlNodes.Int(s, "max_steps", file, problems);
                if (maxSteps is < 3 or > 20) problems.Add(file, s["max_steps"], $"max_steps must be between 3 and 20, not {maxSteps}");
                if (!s.ContainsKey("input")) problems.Add(file, map, $"agent step '{id}' needs an 'input' (a template)");
                if (nested && next is not null) problems.Add(file, s["next"], "a step inside 'parallel' cannot have 'next'; the parallel step has it");
                return new WorkflowStep(id, WorkflowStepKind.Agent, agent, YamlNodes.String(s, "input", file, problems) ?? "", maxSteps, next);
            case "branch" when !nested:
                var cases = new List<BranchCase>();
                if (s["branch"] is not YamlSequenceNode caseList || caseList.Children.Count == 0)
                    problems.Add(file, s["branch"], $"branch '{id}' must be a non-empty list of {{when, goto}} cases");
                else
                    foreach (var c in caseList)
                    {
                        if (c is not YamlMappingNode cm) { problems.Add(file, c, "each branch case must be a mapping"); continue; }
                        var ce = YamlNodes.Entries(cm, file, "a branch case", CaseKeys, problems);
                        cases.Add(new BranchCase(YamlNodes.StringMap(ce, "when", file, problems), YamlNodes.String(ce, "goto", file, problems, required: true) ?? ""));
                    }
                if (next is not null) problems.Add(file, s["next"], "a branch goes where its cases say; it cannot have 'next'");
                return new WorkflowStep(id, WorkflowStepKind.Branch, Cases: cases);
            case "parallel" when !nested:
                var subs = new List<WorkflowStep>();
                if (s["parallel"] is not YamlSequenceNode subList || subList.Children.Count < 2)
                    problems.Add(file, s["parallel"], $"parallel '{id}' must list at least two agent steps");
                else
                    foreach (var sub in subList)
                    {
                        if (LoadStep(file, sub, agents, nodes, problems, nested: true) is not { } subStep) continue;
                        if (subStep.Kind != WorkflowStepKind.Agent) problems.Add(file, sub, "only agent steps can run in parallel");
                        else subs.Add(subStep);
                    }
                return new WorkflowStep(id, WorkflowStepKind.Parallel, Next: next, ParallelSteps: subs);
            case "finish" when !nested:
                var f = s["finish"] is YamlMappingNode fm ? YamlNodes.Entries(fm, file, "finish", FinishKeys, problems) : null;
                if (f is null) problems.Add(file, s["finish"], "finish must be a mapping {summary, outcome: completed|failed}");
                var outcome = f is null ? null : YamlNodes.String(f, "outcome", file, problems);
                if (outcome is not (null or "completed" or "failed")) problems.Add(file, f!["outcome"], $"finish outcome must be completed or failed, not '{outcome}'");
                if (next is not null) problems.Add(file, s["next"], "a finish step ends the workflow; it cannot have 'next'");
                return new WorkflowStep(id, WorkflowStepKind.Finish, Summary: f is null ? null : YamlNodes.String(f, "summary", file, problems), Fails: outcome == "failed");
            default:
                problems.Add(file, map, $"only agent steps can run inside 'parallel' (step '{id}')");
                return null;
        }
    }

    /// <summary>Jumps go forward only (a DAG: each step runs at most once); templates read only what exists by then.</summary>
    private static void CheckFlow(string file, WorkflowDefinition workflow, Dictionary<string, YamlNode> nodes, CommandGrammar command, ConfigProblems problems)
    {
        for (var i = 0; i < workflow.Steps.Count; i++)
        {
            var step = workflow.Steps[i];
            var node = nodes.GetValueOrDefault(step.Id);
            var targets = step.Branches.Select(b => b.Goto).Concat(step.Next is { } n ? [n] : []);
            foreach (var target in targets)
            {
                var index = workflow.IndexOf(target);
                if (index < 0) problems.Add(file, node, $"step '{step.Id}' jumps to '{target}', which is not a top-level step");
                else if (index <= i) problems.Add(file, node, $"step '{step.Id}' jumps back to '{target}'; steps only jump forward (the workflow is a DAG)");
            }
            var earlier = workflow.Steps.Take(i).SelectMany(s => s.Kind == WorkflowStepKind.Parallel ? s.Parallel : [s]).Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
            var templates = new List<string>();
            foreach (var s in step.Kind == WorkflowStepKind.Parallel ? step.Parallel : [step]) if (s.Input is { } input) templates.Add(input);
            templates.AddRange(step.Branches.SelectMany(b => b.When.Keys.Concat(b.When.Values)));
            if (step.Summary is { } summary) templates.Add(summary);
            foreach (var placeholder in templates.SelectMany(TemplateRenderer.Placeholders))
            {
                var parts = placeholder.Split('.');
                var error = parts[0] switch
                {
                    "input" or "thread" or "agent" => null,
                    "args" when parts.Length == 2 && command.Names.Contains(parts[1]) => null,
                    "args" => $"placeholder '{{{{{placeholder}}}}}' names no argument of the command grammar '{command.Pattern}'",
                    // A finish step may be reached on several paths; it may read any step (an unrun step reads as missing).
                    "steps" when parts.Length >= 3 && (earlier.Contains(parts[1]) || (step.Kind == WorkflowStepKind.Finish && nodes.ContainsKey(parts[1]))) => null,
                    "steps" => $"placeholder '{{{{{placeholder}}}}}' must read an earlier step: steps.<id>.outcome|status|summary|thread|result.<path>",
                    _ => $"unknown placeholder '{{{{{placeholder}}}}}'; use input, args.*, steps.*",
                };
                if (error is not null) problems.Add(file, node, $"step '{step.Id}': {error}");
            }
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*$")]
    private static partial Regex NameRegex();

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex StepIdRegex();
}
