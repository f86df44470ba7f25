using ChatAgent.Core.Agents;

namespace ChatAgent.Core.Workflows;

/// <summary>
/// A deterministic orchestration of focused agents (factor 10), loaded from <c>workflows/&lt;name&gt;.yaml</c>. It is
/// launched like an agent (same triggers, same grammar) and runs as a thread of its own whose children are agent threads.
/// Steps only jump forward, so the steps form a DAG and each runs at most once.
/// </summary>
public sealed record WorkflowDefinition(
    string Name,
    string Description,
    CommandGrammar Command,
    AgentTriggers Triggers,
    IReadOnlyList<WorkflowStep> Steps,
    string SourceFile)
{
    public int IndexOf(string stepId)
    {
        for (var i = 0; i < Steps.Count; i++) if (Steps[i].Id == stepId) return i;
        return -1;
    }

    /// <summary>Every agent step, including those inside a <c>parallel</c>.</summary>
    public IEnumerable<WorkflowStep> AgentSteps => Steps.SelectMany(s => s.Kind == WorkflowStepKind.Parallel ? s.Parallel : [s]).Where(s => s.Kind == WorkflowStepKind.Agent);
}

public enum WorkflowStepKind { Agent, Branch, Parallel, Finish }

/// <summary>
/// One step. <see cref="WorkflowStepKind.Agent"/>: run <see cref="Agent"/> as a child thread with <see cref="Input"/>
/// (a template over <c>input</c>, <c>args.*</c>, <c>steps.*</c>) and an optional <see cref="MaxSteps"/>, then go to
/// <see cref="Next"/> (default: the following step). <see cref="WorkflowStepKind.Branch"/>: go to the first case whose
/// <c>when</c> holds. <see cref="WorkflowStepKind.Parallel"/>: run the agent steps in <see cref="Parallel"/> at once and
/// join. <see cref="WorkflowStepKind.Finish"/>: end the workflow with <see cref="Summary"/>, failed when <see cref="Fails"/>.
/// </summary>
public sealed record WorkflowStep(
    string Id,
    WorkflowStepKind Kind,
    string? Agent = null,
    string? Input = null,
    int? MaxSteps = null,
    string? Next = null,
    IReadOnlyList<BranchCase>? Cases = null,
    IReadOnlyList<WorkflowStep>? ParallelSteps = null,
    string? Summary = null,
    bool Fails = false)
{
    public IReadOnlyList<BranchCase> Branches => Cases ?? [];

    public IReadOnlyList<WorkflowStep> Parallel => ParallelSteps ?? [];
}

/// <summary>Go to <see cref="Goto"/> when every <see cref="When"/> template renders to its value (no <c>when</c>: always).</summary>
public sealed record BranchCase(IReadOnlyDictionary<string, string> When, string Goto);
