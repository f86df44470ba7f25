namespace ChatAgent.Core.Storage;

/// <summary>
/// Which launch each webhook delivery belongs to, remembered for a retention window. A delivery is known by several
/// keys (its delivery id, the hash of its signed bytes); it is a replay when any key was claimed within the window.
/// </summary>
public interface IWebhookDeliveries
{
    /// <summary>
    /// Claims <paramref name="keys"/> of <paramref name="webhook"/> for <paramref name="launchKey"/> at <paramref name="at"/>,
    /// unless one of them was claimed after <c>at - retention</c>: then nothing is written and the earliest such claim's
    /// launch key comes back (<see cref="WebhookDeliveryClaim.Replay"/>). Claims of this webhook older than the retention are
    /// forgotten. Atomic: of concurrent claims sharing a key, one wins and the others get its launch key.
    /// </summary>
    Task<WebhookDeliveryClaim> ClaimAsync(
        string webhook, IReadOnlyList<string> keys, string launchKey, DateTimeOffset at, TimeSpan retention, CancellationToken cancellationToken = default);
}
