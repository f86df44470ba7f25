namespace ChatAgent.Core.Threads;

/// <summary>Why a thread is paused; stable codes shown to people and stored on <c>thread_paused</c>.</summary>
public static class PauseReasons
{
    public const string Manual = "manual";
    public const string ConsecutiveErrors = "consecutive_errors";
    public const string OutcomeUnknown = "outcome_unknown";
    public const string StepBudget = "step_budget";
}
