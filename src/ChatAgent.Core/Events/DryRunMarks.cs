namespace ChatAgent.Core.Events;

/// <summary>
/// How a dry run answered a call or a check, on its <c>tool_result</c>, <c>check_passed</c> or <c>check_failed</c>
/// (the field <c>dryRun</c>): the origin's recorded outcome reused, or nothing run at all.
/// </summary>
public static class DryRunMarks
{
    /// <summary>The origin thread's recorded outcome of the identical call (same tool call hash), reused.</summary>
    public const string Recorded = "recorded";

    /// <summary>Not run: the dry run had no recorded outcome for it and runs no side effect.</summary>
    public const string NotRun = "not_run";

    /// <summary>The text the model sees for a call that was not run.</summary>
    public const string NotRunText = "not run (dry run)";
}
