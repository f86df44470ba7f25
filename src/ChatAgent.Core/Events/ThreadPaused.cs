namespace ChatAgent.Core.Events;

/// <summary>
/// The thread stopped until someone resumes it. <see cref="Escalated"/> is true when the agent is
/// stuck rather than paused by a person. Reasons: <c>manual</c>, <c>consecutive_errors</c>,
/// <c>outcome_unknown</c>, <c>step_budget</c>.
/// </summary>
public sealed record ThreadPaused(string Reason, string? Detail, bool Escalated) : ThreadEvent;
