using System.Text.Json;
using System.Text.Json.Nodes;
using ChatAgent.Core.Agents;
using ChatAgent.Core.Events;
using ChatAgent.Core.Threads;

namespace ChatAgent.Core.Workflows;

/// <summary>
/// Decides a workflow's next move from its own state and its children's current states, and nothing else: no clock,
/// no ids, no I/O (the caller launches children and appends). It walks the steps from the first, following the outcomes
/// the workflow has recorded, to the first step that is not finished: launch its child, record what the child did
/// (<c>child_updated</c>, <c>child_finished</c>), or wait. Replaying the same events walks the same path.
/// </summary>
public static class WorkflowRunner
{
    public static WorkflowDecision Decide(WorkflowDefinition workflow, ThreadState parent, IReadOnlyDictionary<string, ThreadState> children)
    {
        var scope = Scope(parent);
        var events = new List<ThreadEvent>();
        var launches = new List<ChildLaunch>();
        var i = 0;
        while (i >= 0 && i < workflow.Steps.Count)
        {
            var step = workflow.Steps[i];
            switch (step.Kind)
            {
                case WorkflowStepKind.Agent or WorkflowStepKind.Parallel:
                    var all = true;
                    foreach (var agentStep in step.Kind == WorkflowStepKind.Agent ? [step] : step.Parallel)
                    {
                        if (Observe(agentStep, parent, children, scope, events, launches) is { } error) return WorkflowDecision.Fail("input", error);
                        all &= parent.Children.TryGetValue(agentStep.Id, out var c) && c.Finished;
                    }
                    if (!all) return new WorkflowDecision(events, launches);
                    i = step.Next is { } next ? workflow.IndexOf(next) : i + 1;
                    break;
                case WorkflowStepKind.Branch:
                    var taken = step.Branches.FirstOrDefault(b => Holds(b.When, scope));
                    if (taken is null) return WorkflowDecision.Fail("no_branch", $"No case of branch '{step.Id}' matched.");
                    i = workflow.IndexOf(taken.Goto);
                    break;
                case WorkflowStepKind.Finish:
                    var summary = Render(step.Summary ?? $"{workflow.Name} finished at '{step.Id}'.", scope);
                    return step.Fails ? WorkflowDecision.Fail("finished_failed", summary) : WorkflowDecision.Complete(summary, Result(parent));
            }
        }
        return WorkflowDecision.Complete($"{workflow.Name} finished.", Result(parent));
    }

    /// <summary>What templates see: <c>input</c>, <c>args.*</c> and <c>steps.&lt;id&gt;.{outcome,status,summary,thread,result}</c>.</summary>
    public static TemplateScope Scope(ThreadState parent) => TemplateScope.From(parent) with { Steps = StepsJson(parent) };

    private static string? Observe(WorkflowStep step, ThreadState parent, IReadOnlyDictionary<string, ThreadState> children,
        TemplateScope scope, List<ThreadEvent> events, List<ChildLaunch> launches)
    {
        if (!parent.Children.TryGetValue(step.Id, out var known))
        {
            try
            {
                launches.Add(new ChildLaunch(step.Id, step.Agent!, TemplateRenderer.Render(step.Input ?? "", scope), step.MaxSteps));
                return null;
            }
            catch (TemplateException ex)
            {
                return $"The input of step '{step.Id}' cannot be filled in: {ex.Message}";
            }
        }
        if (known.Finished || !children.TryGetValue(known.ThreadId, out var child)) return null;
        if (child.IsEnded)
        {
            events.Add(new ChildFinished(step.Id, child.Id, Outcome(child), child.Summary, FinalResult(child)));
            return null;
        }
        var approvals = child.PendingApprovals.Select(a => new ChildApproval(child.Id, a.Id, a.Tool, a.Parameters, a.ExpiresAt)).ToList();
        var status = child.Status.WireName();
        if (status != known.Status || child.PendingQuestion?.Question != known.Question
            || !approvals.Select(a => a.ApprovalId).SequenceEqual(known.PendingApprovals.Select(a => a.ApprovalId)))
            events.Add(new ChildUpdated(step.Id, child.Id, status, approvals, child.PendingQuestion?.Question));
        return null;
    }

    /// <summary>Completed after a refused approval counts as <c>denied</c>: the child stopped instead of acting.</summary>
    private static string Outcome(ThreadState child) =>
        child.Status == ThreadStatus.Failed ? ChildFinished.Failed
        : child.SettledApprovals.Any(a => a.Outcome != ApprovalOutcome.Granted && !child.Results.Any(r => r.ToolCallId == a.ToolCallId)) ? ChildFinished.Denied
        : ChildFinished.Completed;

    /// <summary>The child's final result: its <c>done</c> call's <c>result</c> object when it gave one.</summary>
    private static JsonElement? FinalResult(ThreadState child) =>
        child.FinalResult is { ValueKind: JsonValueKind.Object } done && done.TryGetProperty("result", out var result) ? result : null;

    private static bool Holds(IReadOnlyDictionary<string, string> when, TemplateScope scope)
    {
        foreach (var (template, expected) in when)
        {
            string actual;
            try { actual = TemplateRenderer.Render(template, scope); }
            catch (TemplateException) { return false; }
            if (!string.Equals(actual.Trim(), expected.Trim(), StringComparison.OrdinalIgnoreCase)) return false;
        }
        return true;
    }

    private static string Render(string template, TemplateScope scope)
    {
        try { return TemplateRenderer.Render(template, scope); }
        catch (TemplateException) { return template; }
    }

    private static JsonElement StepsJson(ThreadState parent)
    {
        var steps = new JsonObject();
        foreach (var (id, c) in parent.Children)
        {
            steps[id] = new JsonObject
            {
                ["outcome"] = c.Finished ? c.Status : null,
                ["status"] = c.Status,
                ["summary"] = c.Summary,
                ["thread"] = c.ThreadId,
                ["agent"] = c.Agent,
                ["result"] = c.Result is { } r ? JsonNode.Parse(r.GetRawText()) : new JsonObject(),
            };
        }
        return JsonSerializer.SerializeToElement(steps);
    }

    private static JsonElement Result(ThreadState parent) =>
        JsonSerializer.SerializeToElement(new JsonObject { ["steps"] = JsonNode.Parse(StepsJson(parent).GetRawText()) });
}

/// <summary>
/// The runner's answer: children to launch and events to append (the caller decides again afterwards), or the end
/// (<see cref="Completed"/> / <see cref="FailureReason"/>). Nothing to launch or append and not ended means: wait.
/// </summary>
public sealed record WorkflowDecision(IReadOnlyList<ThreadEvent> Events, IReadOnlyList<ChildLaunch> Launches)
{
    public ThreadCompleted? Completed { get; init; }
    public string? FailureReason { get; init; }
    public string? FailureDetail { get; init; }

    public bool Waits => Events.Count == 0 && Launches.Count == 0 && Completed is null && FailureReason is null;

    public static WorkflowDecision Complete(string summary, JsonElement result) => new([], []) { Completed = new ThreadCompleted(summary, result) };

    public static WorkflowDecision Fail(string reason, string detail) => new([], []) { FailureReason = reason, FailureDetail = detail };
}

/// <summary>A child thread to start for step <see cref="StepId"/>.</summary>
public sealed record ChildLaunch(string StepId, string Agent, string Input, int? MaxSteps);
