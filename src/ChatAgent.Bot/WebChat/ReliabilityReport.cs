using ChatAgent.Core.Agents;
using ChatAgent.Core.Events;
using ChatAgent.Core.Tools;

namespace ChatAgent.Bot.WebChat;

/// <summary>How often one tool succeeded: each <c>tool_call</c> is a run; a success is a <c>tool_result</c> not later failed by verification.</summary>
public sealed record ToolReliability(string Tool, int Runs, int Successes, double? Rate);

/// <summary>
/// An agent's compound estimate: the product of the measured success rates of its plan's steps (steps whose tool never
/// ran are left out and counted in <see cref="UnmeasuredSteps"/>), beside its observed completion rate over ended threads.
/// </summary>
public sealed record AgentReliability(
    string Agent,
    IReadOnlyList<string> Steps,
    double? Estimate,
    int UnmeasuredSteps,
    int Threads,
    int Ended,
    int Completed,
    double? CompletionRate);

/// <summary><c>GET /api/reliability</c>: measured over the <see cref="ThreadsScanned"/> most recent threads.</summary>
public sealed record ReliabilityReport(int ThreadsScanned, IReadOnlyList<ToolReliability> Tools, IReadOnlyList<AgentReliability> Agents)
{
    /// <summary>Folds the threads' events into per-tool and per-agent figures. Pure: the same events give the same report.</summary>
    public static ReliabilityReport Compute(IReadOnlyList<IReadOnlyList<StoredEvent>> threads, IReadOnlyList<AgentDefinition> agents)
    {
        var runs = new Dictionary<string, int>(StringComparer.Ordinal);
        var successes = new Dictionary<string, int>(StringComparer.Ordinal);
        var perAgent = new Dictionary<string, (int Threads, int Ended, int Completed)>(StringComparer.Ordinal);
        foreach (var events in threads)
        {
            var agent = events.Select(e => e.Data).OfType<ThreadStarted>().FirstOrDefault()?.Agent;
            var failedByVerification = events.Select(e => e.Data).OfType<ErrorOccurred>()
                .Where(e => e.Source == "verification" && e.ToolCallId is not null)
                .Select(e => e.ToolCallId!).ToHashSet(StringComparer.Ordinal);
            ToolCalled? terminal = null;
            var questions = new Dictionary<string, string>(StringComparer.Ordinal); // request id -> tool
            foreach (var e in events)
            {
                switch (e.Data)
                {
                    case ToolCalled call:
                        runs[call.Tool] = runs.GetValueOrDefault(call.Tool) + 1;
                        if (call.Kind == ToolKind.Terminal) terminal = call;
                        break;
                    case ToolReturned result when !failedByVerification.Contains(result.ToolCallId):
                        Succeeded(result.Tool);
                        break;
                    case HumanContacted asked when events.Any(x => x.Data is ToolCalled c && c.ToolCallId == asked.ToolCallId):
                        questions[asked.RequestId] = events.Select(x => x.Data).OfType<ToolCalled>().First(c => c.ToolCallId == asked.ToolCallId).Tool;
                        break;
                    case HumanResponded answered when questions.Remove(answered.RequestId, out var tool):
                        Succeeded(tool); // a human tool succeeds when the person answers
                        break;
                    case ThreadCompleted when terminal is not null:
                        Succeeded(terminal.Tool); // a terminal tool succeeds by ending the thread
                        terminal = null;
                        break;
                }
            }
            if (agent is null) continue;
            var (count, ended, completed) = perAgent.GetValueOrDefault(agent);
            var last = events.Select(e => e.Data).LastOrDefault(d => d is ThreadCompleted or ThreadFailed);
            perAgent[agent] = (count + 1, ended + (last is null ? 0 : 1), completed + (last is ThreadCompleted ? 1 : 0));
        }

        void Succeeded(string tool) => successes[tool] = successes.GetValueOrDefault(tool) + 1;

        var tools = runs.Keys.Order(StringComparer.Ordinal)
            .Select(t => new ToolReliability(t, runs[t], Math.Min(runs[t], successes.GetValueOrDefault(t)), Ratio(Math.Min(runs[t], successes.GetValueOrDefault(t)), runs[t])))
            .ToList();
        var rates = tools.ToDictionary(t => t.Tool, t => t.Rate, StringComparer.Ordinal);
        var agentRows = agents.OrderBy(a => a.Name, StringComparer.Ordinal).Select(a =>
        {
            var steps = a.Plan.Select(p => p.Tool).ToList();
            var measured = steps.Where(s => rates.GetValueOrDefault(s) is not null).ToList();
            double? estimate = measured.Count == 0 ? null : measured.Aggregate(1.0, (p, s) => p * rates[s]!.Value);
            var (count, ended, completed) = perAgent.GetValueOrDefault(a.Name);
            return new AgentReliability(a.Name, steps, estimate, steps.Count - measured.Count, count, ended, completed, Ratio(completed, ended));
        }).ToList();
        return new ReliabilityReport(threads.Count, tools, agentRows);
    }

    private static double? Ratio(int part, int whole) => whole == 0 ? null : (double)part / whole;
}
