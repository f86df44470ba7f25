namespace ChatAgent.Bot.Slack;

/// <summary>Slack answered <c>ok: false</c> (with HTTP 200, as it does): <see cref="Error"/> is its error code.</summary>
public sealed class SlackApiException(string method, string error)
    : Exception($"Slack {method} failed: {error}")
{
    public string Method { get; } = method;

    public string Error { get; } = error;

    /// <summary>
    /// Slack refused or could not be reached (not our caller giving up): what a best-effort call to Slack logs instead of
    /// failing the request it answers.
    /// </summary>
    public static bool IsSlackFailure(Exception failure, CancellationToken ct) =>
        failure is HttpRequestException or SlackApiException || (failure is TaskCanceledException && !ct.IsCancellationRequested);
}
