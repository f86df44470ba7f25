namespace ChatAgent.Core.Reliability;

/// <summary>Measured reliability, per tool and per agent or workflow, from the event store.</summary>
public sealed record ReliabilityReport(
    double AssumedStepSuccess,
    int ThreadsRead,
    IReadOnlyList<ToolReliability> Tools,
    IReadOnlyList<AgentReliability> Agents);

/// <summary>
/// One tool: <see cref="Executed"/> runs with a recorded outcome; <see cref="Succeeded"/> those whose result verified
/// (<c>tool_result</c>); <see cref="Failed"/> tool errors plus <see cref="VerificationFailures"/>; calls stopped by a
/// precondition did not run and are counted in <see cref="BlockedByPrecondition"/> only.
/// </summary>
public sealed record ToolReliability(string Tool, int Executed, int Succeeded, int Failed, int VerificationFailures, int BlockedByPrecondition)
{
    public double? SuccessRate => Executed == 0 ? null : (double)Succeeded / Executed;
}

/// <summary>
/// One agent or workflow. <see cref="StepSuccessRate"/>: share of its tool runs that succeeded (agents only).
/// <see cref="EstimatedEndToEnd"/>: the product over its steps — for an agent, its plan's tools at their measured rates
/// (<see cref="ReliabilityReport.AssumedStepSuccess"/> for a tool never run); for a workflow, its happy path's agents at
/// their observed completion rates (or their estimates when none ended yet). <see cref="ObservedCompletion"/>: completed
/// threads over ended ones.
/// </summary>
public sealed record AgentReliability(
    string Agent,
    string Kind,
    int Steps,
    int Threads,
    int Completed,
    int Failed,
    int Open,
    double? StepSuccessRate,
    double EstimatedEndToEnd,
    double? ObservedCompletion);
