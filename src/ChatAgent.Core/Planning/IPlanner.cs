using System.Text.Json;
using ChatAgent.Core.Agents;
using ChatAgent.Core.Events;
using ChatAgent.Core.Tools;

namespace ChatAgent.Core.Planning;

/// <summary>
/// Decides the next step as exactly one tool call (factor 1). A planner never runs anything: the loop
/// validates its answer, gates it and runs it.
/// </summary>
public interface IPlanner
{
    /// <summary>The name recorded on <c>model_decision</c> (<c>offline</c>, <c>openai:gpt-4o</c>, …).</summary>
    string Name { get; }

    /// <summary>Returns the decision; problems are returned as <see cref="PlannerDecision.Error"/>, not thrown.</summary>
    Task<PlannerDecision> DecideAsync(PlanningContext context, CancellationToken cancellationToken);
}

/// <summary>
/// What a planner sees: the agent, the state, the full history and the tools the agent may use. <see cref="History"/>,
/// when set, is the history section already rendered with <see cref="ContextOptions.Default"/> (the loop keeps it
/// between steps, so a step renders only the events it adds).
/// </summary>
public sealed record PlanningContext(
    AgentDefinition Agent,
    ThreadState State,
    IReadOnlyList<StoredEvent> Events,
    IReadOnlyList<ToolDefinition> Tools,
    IReadOnlyList<string>? History = null);

/// <summary>
/// A planner's answer. <see cref="RawOutput"/> is kept verbatim on the <c>model_decision</c> event.
/// Either <see cref="Tool"/> (+ <see cref="Parameters"/>) or <see cref="Error"/> is set.
/// </summary>
public sealed record PlannerDecision(
    string RawOutput,
    string? Tool,
    JsonElement? Parameters,
    string? Reason = null,
    string? Error = null,
    string? ErrorDetail = null)
{
    public static PlannerDecision Call(string raw, string tool, JsonElement parameters, string? reason = null) =>
        new(raw, tool, parameters, reason);

    public static PlannerDecision Invalid(string raw, string error, string? detail = null) =>
        new(raw, null, null, null, error, detail);
}
