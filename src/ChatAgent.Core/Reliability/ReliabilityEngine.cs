using ChatAgent.Core.Agents;
using ChatAgent.Core.Audit;
using ChatAgent.Core.Events;
using ChatAgent.Core.Tools;
using ChatAgent.Core.Workflows;

namespace ChatAgent.Core.Reliability;

/// <summary>
/// The one reliability engine (the API, the web chat and the daily summary use it). It reads a bounded window: only the
/// event types it counts, from the last <see cref="DefaultWindow"/> (or the window asked for), through the audit
/// store's time index, never every stream. Tool figures count the calls made in the window; agent figures count the
/// threads started in it.
/// </summary>
public sealed class ReliabilityEngine(IAuditStore audit, IAgentCatalog catalog, TimeProvider time)
{
    /// <summary>The chapter's per-step figure: the assumption for steps never measured, and the base of <c>0.95^N</c>.</summary>
    public const double AssumedStepSuccess = 0.95;

    public static readonly TimeSpan DefaultWindow = TimeSpan.FromDays(7);

    /// <summary>The longest window a caller may ask for.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(90);

    /// <summary>The only event types the engine reads.</summary>
    public static readonly string[] Counted =
        ["thread_started", "tool_call", "tool_result", "error", "human_contacted", "human_response", "thread_completed", "thread_failed"];

    public async Task<ReliabilityReport> MeasureAsync(TimeSpan? window = null, CancellationToken ct = default)
    {
        var to = time.GetUtcNow();
        var from = to - (window is { } w && w > TimeSpan.Zero ? (w < MaxWindow ? w : MaxWindow) : DefaultWindow);
        var byThread = new Dictionary<string, List<StoredEvent>>(StringComparer.Ordinal);
        // A second past now: events written this instant are in (the window's end is exclusive).
        await foreach (var e in audit.ReadByTimeAsync(from, to.AddSeconds(1), Counted, ct))
        {
            if (!byThread.TryGetValue(e.ThreadId, out var list)) byThread[e.ThreadId] = list = [];
            list.Add(e);
        }
        return Fold(from, to, byThread.Values.Select(l => (IReadOnlyList<StoredEvent>)[.. l.OrderBy(e => e.Seq)]).ToList(), catalog);
    }

    /// <summary>The figures for the given threads' events. Pure: the same events give the same report.</summary>
    public static ReliabilityReport Fold(DateTimeOffset from, DateTimeOffset to, IReadOnlyList<IReadOnlyList<StoredEvent>> threads, IAgentCatalog catalog)
    {
        var tools = new Dictionary<string, ToolCounts>(StringComparer.Ordinal);
        var agents = new Dictionary<string, AgentCounts>(StringComparer.Ordinal);
        var started = 0;
        foreach (var events in threads)
        {
            var agent = events.Select(e => e.Data).OfType<ThreadStarted>().FirstOrDefault()?.Agent;
            var counts = agent is null ? null : Get(agents, agent);
            if (counts is not null)
            {
                started++;
                counts.Threads++;
                switch (events.Select(e => e.Data).LastOrDefault(d => d is ThreadCompleted or ThreadFailed))
                {
                    case ThreadCompleted: counts.Completed++; break;
                    case ThreadFailed: counts.Failed++; break;
                    default: counts.Open++; break;
                }
            }
            foreach (var (tool, outcome) in Outcomes(events))
            {
                var t = Get(tools, tool);
                switch (outcome)
                {
                    case Outcome.Blocked: t.Blocked++; continue;
                    case Outcome.Succeeded: t.Succeeded++; break;
                    case Outcome.VerificationFailed: t.Failed++; t.VerificationFailures++; break;
                    case Outcome.Failed: t.Failed++; break;
                }
                t.Runs++;
                if (counts is null) continue;
                if (outcome == Outcome.Succeeded) counts.Succeeded++;
                else if (outcome is Outcome.Failed or Outcome.VerificationFailed) counts.StepFailures++;
            }
        }

        var toolRows = tools.OrderBy(t => t.Key, StringComparer.Ordinal)
            .Select(t => new ToolReliability(t.Key, t.Value.Runs, t.Value.Succeeded, t.Value.Failed, t.Value.VerificationFailures,
                t.Value.Runs - t.Value.Succeeded - t.Value.Failed, t.Value.Blocked))
            .ToList();
        var rates = toolRows.Where(t => t.SuccessRate is not null).ToDictionary(t => t.Tool, t => t.SuccessRate!.Value, StringComparer.Ordinal);

        var rows = new Dictionary<string, AgentReliability>(StringComparer.Ordinal);
        foreach (var definition in catalog.Agents.Where(a => a.Workflow is null))
        {
            var steps = definition.Plan.Select(p => p.Tool).ToList();
            rows[definition.Name] = Row(definition.Name, "agent", steps, agents.GetValueOrDefault(definition.Name) ?? new AgentCounts(),
                steps.Select(s => rates.TryGetValue(s, out var r) ? r : (double?)null).ToList(), steps.Count);
        }
        foreach (var definition in catalog.Agents.Where(a => a.Workflow is not null))
        {
            var path = HappyPath(definition.Workflow!).Select(s => s.Agent!).ToList();
            var measured = path.Select(a => rows.TryGetValue(a, out var r) ? r.ObservedCompletion ?? (r.UnmeasuredSteps < r.Steps.Count ? r.Estimate : null) : null).ToList();
            var toolSteps = path.Sum(a => rows.TryGetValue(a, out var r) ? r.Steps.Count : 1);
            rows[definition.Name] = Row(definition.Name, "workflow", path, agents.GetValueOrDefault(definition.Name) ?? new AgentCounts(), measured, toolSteps);
        }
        return new ReliabilityReport(from, to, started, AssumedStepSuccess, toolRows, [.. rows.Values.OrderBy(r => r.Agent, StringComparer.Ordinal)]);
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

    private enum Outcome { Unknown, Succeeded, Failed, VerificationFailed, Blocked }

    /// <summary>Each tool call of one thread with its outcome, plus the calls a precondition blocked.</summary>
    private static IEnumerable<(string Tool, Outcome Outcome)> Outcomes(IReadOnlyList<StoredEvent> events)
    {
        var calls = new Dictionary<string, (string Tool, ToolKind Kind)>(StringComparer.Ordinal);
        var outcomes = new Dictionary<string, Outcome>(StringComparer.Ordinal);
        var questions = new Dictionary<string, string>(StringComparer.Ordinal); // request id -> tool call id
        var order = new List<string>();
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case ToolCalled call:
                    if (calls.TryAdd(call.ToolCallId, (call.Tool, call.Kind))) order.Add(call.ToolCallId);
                    outcomes[call.ToolCallId] = Outcome.Unknown; // a retried attempt starts over
                    break;
                case ToolReturned r when calls.ContainsKey(r.ToolCallId) && calls[r.ToolCallId].Kind != ToolKind.Terminal:
                    outcomes[r.ToolCallId] = Outcome.Succeeded;
                    break;
                case ErrorOccurred { ToolCallId: { } id, Source: "verification" } when calls.ContainsKey(id):
                    outcomes[id] = Outcome.VerificationFailed;
                    break;
                case ErrorOccurred { ToolCallId: { } id, Source: "tool" } when calls.ContainsKey(id):
                    outcomes[id] = Outcome.Failed;
                    break;
                case ErrorOccurred { Tool: { } tool, Source: "precondition" }:
                    yield return (tool, Outcome.Blocked);
                    break;
                case HumanContacted asked when calls.ContainsKey(asked.ToolCallId):
                    questions[asked.RequestId] = asked.ToolCallId;
                    break;
                case HumanResponded answered when questions.Remove(answered.RequestId, out var id):
                    outcomes[id] = Outcome.Succeeded;
                    break;
                case ThreadCompleted:
                    foreach (var (id, c) in calls.Where(c => c.Value.Kind == ToolKind.Terminal && outcomes[c.Key] == Outcome.Unknown)) outcomes[id] = Outcome.Succeeded;
                    break;
            }
        }
        foreach (var id in order) yield return (calls[id].Tool, outcomes[id]);
    }

    private static AgentReliability Row(string name, string kind, IReadOnlyList<string> steps, AgentCounts c, IReadOnlyList<double?> measured, int toolSteps)
    {
        var ran = c.Succeeded + c.StepFailures;
        var ended = c.Completed + c.Failed;
        return new AgentReliability(name, kind, steps, c.Threads, ended, c.Completed, c.Failed, c.Open,
            kind == "agent" && ran > 0 ? Math.Round((double)c.Succeeded / ran, 4) : null,
            Math.Round(measured.Aggregate(1.0, (acc, r) => acc * (r ?? AssumedStepSuccess)), 4),
            measured.Count(r => r is null),
            Math.Round(ReliabilityMath.EndToEnd(AssumedStepSuccess, toolSteps), 4),
            ended == 0 ? null : Math.Round((double)c.Completed / ended, 4));
    }

    private static T Get<T>(Dictionary<string, T> map, string key) where T : new()
    {
        if (!map.TryGetValue(key, out var value)) map[key] = value = new T();
        return value;
    }

    private sealed class ToolCounts
    {
        public int Runs, Succeeded, Failed, VerificationFailures, Blocked;
    }

    private sealed class AgentCounts
    {
        public int Threads, Completed, Failed, Open, Succeeded, StepFailures;
    }
}
