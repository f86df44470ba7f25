using ChatAgent.Core.Agents;
using ChatAgent.Core.Events;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Threads;
using ChatAgent.Core.Tools;
using ChatAgent.Core.Workflows;

namespace ChatAgent.Core.Reliability;

/// <summary>
/// Measures reliability from the event store (O(threads): reads every listed thread's events). A step succeeds when
/// its result verifies: a <c>tool_result</c> (a failed verification is recorded as an <c>error</c> instead).
/// </summary>
public sealed class ReliabilityCalculator(IEventStore store, IAgentCatalog catalog)
{
    /// <summary>The chapter's per-step figure, used for tools that have never run.</summary>
    public const double AssumedStepSuccess = 0.95;

    public async Task<ReliabilityReport> MeasureAsync(int maxThreads = 1000, CancellationToken ct = default)
    {
        var threads = await store.ListAsync(new ThreadQuery(Limit: maxThreads), ct);
        var tools = new Dictionary<string, ToolCounts>(StringComparer.Ordinal);
        var agents = new Dictionary<string, AgentCounts>(StringComparer.Ordinal);
        foreach (var summary in threads)
        {
            var events = await store.ReadAsync(summary.Id, 0, ct);
            var state = ThreadReducer.Replay(events);
            var agent = Get(agents, state.Agent);
            agent.Threads++;
            if (state.Status == ThreadStatus.Completed) agent.Completed++;
            else if (state.Status == ThreadStatus.Failed) agent.Failed++;
            else agent.Open++;
            foreach (var e in events)
            {
                switch (e.Data)
                {
                    case ToolReturned r when r.Tool != BuiltinTools.Done:
                        Get(tools, r.Tool).Succeeded++;
                        agent.Succeeded++;
                        break;
                    case ErrorOccurred { Tool: { } tool, Source: "tool" or "verification" } err:
                        var t = Get(tools, tool);
                        t.Failed++;
                        if (err.Source == "verification") t.VerificationFailures++;
                        agent.StepFailures++;
                        break;
                    case ErrorOccurred { Tool: { } tool, Source: "precondition" }:
                        Get(tools, tool).Blocked++;
                        break;
                }
            }
        }

        var toolRows = tools.OrderBy(t => t.Key, StringComparer.Ordinal)
            .Select(t => new ToolReliability(t.Key, t.Value.Succeeded + t.Value.Failed, t.Value.Succeeded, t.Value.Failed, t.Value.VerificationFailures, t.Value.Blocked))
            .ToList();
        var rates = toolRows.Where(t => t.SuccessRate is not null).ToDictionary(t => t.Tool, t => t.SuccessRate!.Value, StringComparer.Ordinal);

        var agentRows = new List<AgentReliability>();
        var estimates = new Dictionary<string, double>(StringComparer.Ordinal);
        var observed = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var definition in catalog.Agents.Where(a => a.Workflow is null))
        {
            var c = agents.GetValueOrDefault(definition.Name) ?? new AgentCounts();
            var steps = definition.Plan.Where(p => catalog.FindTool(p.Tool)?.Kind is ToolKind.Immediate or ToolKind.RequiresApproval).ToList();
            var estimate = steps.Aggregate(1.0, (acc, p) => acc * rates.GetValueOrDefault(p.Tool, AssumedStepSuccess));
            var row = Row(definition.Name, "agent", steps.Count, c, estimate);
            estimates[definition.Name] = estimate;
            if (row.ObservedCompletion is { } o) observed[definition.Name] = o;
            agentRows.Add(row);
        }
        foreach (var definition in catalog.Agents.Where(a => a.Workflow is not null))
        {
            var c = agents.GetValueOrDefault(definition.Name) ?? new AgentCounts();
            var path = HappyPath(definition.Workflow!).ToList();
            var estimate = path.Aggregate(1.0, (acc, s) => acc * (observed.TryGetValue(s.Agent!, out var o) ? o : estimates.GetValueOrDefault(s.Agent!, AssumedStepSuccess)));
            agentRows.Add(Row(definition.Name, "workflow", path.Count, c, estimate));
        }
        return new ReliabilityReport(AssumedStepSuccess, threads.Count, toolRows, agentRows);
    }

    /// <summary>The agent steps a workflow runs when everything goes well: <c>next</c>, and each branch's first case.</summary>
    public static IEnumerable<WorkflowStep> HappyPath(WorkflowDefinition workflow)
    {
        var i = 0;
        while (i >= 0 && i < workflow.Steps.Count)
        {
            var step = workflow.Steps[i];
            switch (step.Kind)
            {
                case WorkflowStepKind.Agent: yield return step; break;
                case WorkflowStepKind.Parallel: foreach (var s in step.Parallel) yield return s; break;
                case WorkflowStepKind.Branch: i = workflow.IndexOf(step.Branches[0].Goto); continue;
                case WorkflowStepKind.Finish: yield break;
            }
            i = step.Next is { } next ? workflow.IndexOf(next) : i + 1;
        }
    }

    private static AgentReliability Row(string name, string kind, int steps, AgentCounts c, double estimate)
    {
        var ran = c.Succeeded + c.StepFailures;
        var ended = c.Completed + c.Failed;
        return new AgentReliability(name, kind, steps, c.Threads, c.Completed, c.Failed, c.Open,
            kind == "agent" && ran > 0 ? (double)c.Succeeded / ran : null,
            Math.Round(estimate, 4),
            ended == 0 ? null : Math.Round((double)c.Completed / ended, 4));
    }

    private static T Get<T>(Dictionary<string, T> map, string key) where T : new()
    {
        if (!map.TryGetValue(key, out var value)) map[key] = value = new T();
        return value;
    }

    private sealed class ToolCounts
    {
        public int Succeeded, Failed, VerificationFailures, Blocked;
    }

    private sealed class AgentCounts
    {
        public int Threads, Completed, Failed, Open, Succeeded, StepFailures;
    }
}
