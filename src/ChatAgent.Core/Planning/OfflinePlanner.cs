using System.Text.Json;
using System.Text.Json.Nodes;
using ChatAgent.Core.Agents;
using ChatAgent.Core.Threads;
using ChatAgent.Core.Tools;

namespace ChatAgent.Core.Planning;

/// <summary>
/// The default planner: no network, no model. Follows the agent's <c>plan</c> in order, skipping steps whose
/// <c>when</c> does not hold, with parameters rendered from the command arguments and earlier results. The
/// n-th plan step of a tool is done when the thread holds n results of that tool. After a denial (or an expired
/// approval) it stops and reports; after an error it proposes the same step again, so the loop's error
/// threshold decides when to escalate. When the plan is exhausted it finishes with <c>done</c>.
/// </summary>
public sealed class OfflinePlanner : IPlanner
{
    /// <summary>The offline planner's name, on <c>model_decision</c> and as a fork's <c>planner</c>.</summary>
    public const string PlannerName = "offline";

    public string Name => PlannerName;

    private static readonly OfflinePlanner Shared = new();

    /// <summary>The planner a thread uses: the configured one, or this one for a thread that asked for it (a fork with <c>planner: offline</c>).</summary>
    public static IPlanner For(ThreadState state, IPlanner configured) =>
        state.Planner == PlannerName && configured.Name != PlannerName ? Shared : configured;

    public Task<PlannerDecision> DecideAsync(PlanningContext context, CancellationToken cancellationToken) =>
        Task.FromResult(Decide(context.Agent, context.State));

    private static PlannerDecision Decide(AgentDefinition agent, ThreadState state)
    {
        if (state.SettledApprovals.LastOrDefault() is { Outcome: not ApprovalOutcome.Granted } refused
            && !state.Results.Any(r => r.ToolCallId == refused.ToolCallId))
            return Finish(Refusal(refused));

        var scope = TemplateScope.From(state);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        // The k-th question the plan asks is answered by the k-th ask_human result: replaying the same answers
        // walks the same path, so the planner stays a function of the state.
        var answers = state.Results.Where(r => r.Tool == BuiltinTools.AskHuman).Select(AnswerText).ToList();
        var asked = 0;
        foreach (var step in agent.Plan)
        {
            if (!Applies(step, scope)) continue;
            var occurrence = seen[step.Tool] = seen.GetValueOrDefault(step.Tool) + 1;
            var done = state.Results.Count(r => r.Tool == step.Tool);
            if (step.AskIf.Count > 0 && Ambiguous(step, scope))
            {
                if (asked < answers.Count)
                {
                    if (step.AnswerSets is { } name)
                        scope = scope with { Arguments = new Dictionary<string, string>(scope.Arguments) { [name] = answers[asked].Trim() } };
                    asked++;
                    if (!Applies(step, scope)) continue;
                }
                else if (done < occurrence)
                {
                    return Ask(step, scope);
                }
            }
            if (done >= occurrence) continue;

            JsonElement parameters;
            try
            {
                parameters = TemplateRenderer.RenderParameters(step.Parameters, scope);
            }
            catch (TemplateException ex)
            {
                return PlannerDecision.Invalid(Raw(step.Tool, step.Parameters, step.Reason), $"Plan step '{step.Tool}' cannot be filled in: {ex.Message}");
            }
            return PlannerDecision.Call(Raw(step.Tool, parameters, step.Reason), step.Tool, parameters, step.Reason);
        }
        return Finish(Summary(agent, state));
    }

    private static bool Applies(PlanStep step, TemplateScope scope)
    {
        foreach (var (template, expected) in step.When)
        {
            string actual;
            try { actual = TemplateRenderer.Render(template, scope); }
            catch (TemplateException) { return false; }
            if (!string.Equals(actual.Trim(), expected.Trim(), StringComparison.OrdinalIgnoreCase)) return false;
        }
        return true;
    }

    private static bool Ambiguous(PlanStep step, TemplateScope scope) => step.AskIf.Any(c =>
    {
        string text;
        try { text = TemplateRenderer.Render(c.Template, scope).Trim(); }
        catch (TemplateException) { text = ""; }
        return c.NotIn is { } allowed
            ? !allowed.Contains(text, StringComparer.OrdinalIgnoreCase)
            : string.Equals(text, c.EqualsText?.Trim() ?? "", StringComparison.OrdinalIgnoreCase);
    });

    private static PlannerDecision Ask(PlanStep step, TemplateScope scope)
    {
        string question;
        try { question = TemplateRenderer.Render(step.Question ?? "", scope); }
        catch (TemplateException) { question = step.Question ?? ""; }
        var parameters = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["question"] = question });
        const string reason = "The input is ambiguous: ask before acting.";
        return PlannerDecision.Call(Raw(BuiltinTools.AskHuman, parameters, reason), BuiltinTools.AskHuman, parameters, reason);
    }

    private static string AnswerText(CompletedCall answer) =>
        answer.Result.ValueKind == JsonValueKind.Object && answer.Result.TryGetProperty("answer", out var a) ? a.GetString() ?? "" : "";

    private static PlannerDecision Finish(string summary)
    {
        var parameters = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["summary"] = summary });
        return PlannerDecision.Call(Raw(BuiltinTools.Done, parameters, null), BuiltinTools.Done, parameters);
    }

    private static string Refusal(ApprovalOutcome refused)
    {
        if (refused.Outcome == ApprovalOutcome.Expired) return $"Stopped: the approval for {refused.Tool} expired before anyone decided.";
        var vote = refused.DecidingVote;
        var who = vote is null ? "an approver" : vote.ByName ?? vote.By;
        return $"Stopped: {refused.Tool} was denied by {who}" + (string.IsNullOrWhiteSpace(vote?.Comment) ? "." : $": {vote!.Comment}");
    }

    private static string Summary(AgentDefinition agent, ThreadState state)
    {
        var steps = state.Results.Where(r => r.Tool != BuiltinTools.Done).Select(r => r.Tool).ToList();
        return steps.Count == 0 ? $"{agent.Name} finished." : $"{agent.Name} finished: {string.Join(" → ", steps)}.";
    }

    private static string Raw(string tool, JsonElement parameters, string? reason) =>
        new JsonObject
        {
            ["tool"] = tool,
            ["parameters"] = JsonNode.Parse(parameters.GetRawText()),
            ["reason"] = reason,
        }.ToJsonString();
}
