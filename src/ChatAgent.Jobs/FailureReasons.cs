namespace ChatAgent.Jobs;

/// <summary>Reasons of the <c>thread_failed</c> events the jobs record.</summary>
public static class FailureReasons
{
    /// <summary>The thread's run kept failing outside the loop's own error handling until its retries ran out.</summary>
    public const string RetriesExhausted = "retries_exhausted";
}
