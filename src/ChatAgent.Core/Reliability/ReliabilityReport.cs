namespace ChatAgent.Core.Reliability;

/// <summary>
/// Reliability measured from the events of a time window (<see cref="From"/> to <see cref="To"/>), per tool and per agent
/// or workflow, with the chapter's <c>0.95^N</c> beside the measured estimate.
/// </summary>
public sealed record ReliabilityReport(
    DateTimeOffset From,
    DateTimeOffset To,
    int Threads,
    double AssumedStepSuccess,
    IReadOnlyList<ToolReliability> Tools,
    IReadOnlyList<AgentReliability> Agents);

/// <summary>
/// One tool. <see cref="Runs"/>: calls that started in the window (<c>tool_call</c>). A run <see cref="Succeeded"/> when
/// its result arrived and no verification failed it (a human tool: when the person answered; a terminal tool: when the
/// thread completed); it <see cref="Failed"/> on a tool error or a failed verification (<see cref="VerificationFailures"/>
/// counts those); the rest are <see cref="Unknown"/> (still running, waiting, or lost in a crash). Calls stopped by a
/// precondition never ran and are counted in <see cref="BlockedByPrecondition"/> only.
/// <see cref="SuccessRate"/> is over the runs with a known outcome.
/// </summary>
public sealed record ToolReliability(string Tool, int Runs, int Succeeded, int Failed, int VerificationFailures, int Unknown, int BlockedByPrecondition)
{
    public double? SuccessRate => Succeeded + Failed == 0 ? null : Math.Round((double)Succeeded / (Succeeded + Failed), 4);
}

/// <summary>
/// One agent or workflow, over its threads started in the window. <see cref="Steps"/>: an agent's plan tools, or a
/// workflow's happy-path agents. <see cref="Estimate"/>: the product over those steps of their measured rates (an agent's
/// tools; a workflow's agents' observed completion, or their estimate when none ended), a step not yet measured counting
/// as <see cref="ReliabilityReport.AssumedStepSuccess"/> (<see cref="UnmeasuredSteps"/> says how many).
/// <see cref="ChapterEstimate"/>: <c>0.95^N</c> for its N tool steps. <see cref="StepSuccessRate"/>: the share of its
/// tool runs that succeeded (agents only). <see cref="ObservedCompletion"/>: completed threads over ended ones.
/// </summary>
public sealed record AgentReliability(
    string Agent,
    string Kind,
    IReadOnlyList<string> Steps,
    int Threads,
    int Ended,
    int Completed,
    int Failed,
    int Open,
    double? StepSuccessRate,
    double Estimate,
    int UnmeasuredSteps,
    double ChapterEstimate,
    double? ObservedCompletion);
