namespace ChatAgent.Bot.Webhooks;

/// <summary>Settings shared by every webhook (<c>Webhooks:*</c>; each webhook's own secret is <c>Webhooks:{name}:Secret</c>).</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>
    /// How long a delivery's id and signed-bytes hash are remembered: within it a replay launches nothing and answers the
    /// first thread; after it the same delivery is a new event (a deliberate redelivery a week later launches again).
    /// </summary>
    public TimeSpan ReplayRetention { get; set; } = TimeSpan.FromDays(7);
}
