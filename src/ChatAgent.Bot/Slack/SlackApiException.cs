namespace ChatAgent.Bot.Slack;

/// <summary>Slack answered <c>ok: false</c> (with HTTP 200, as it does): <see cref="Error"/> is its error code.</summary>
public sealed class SlackApiException(string method, string error)
    : Exception($"Slack {method} failed: {error}")
{
    public string Method { get; } = method;

    public string Error { get; } = error;
}
