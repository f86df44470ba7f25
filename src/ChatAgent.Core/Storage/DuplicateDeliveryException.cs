namespace ChatAgent.Core.Storage;

/// <summary>A platform delivery key (Slack event id, Teams activity id, webhook delivery id) was already handled.</summary>
public sealed class DuplicateDeliveryException(string deliveryKey, string? existingThreadId)
    : Exception($"Delivery {deliveryKey} was already handled")
{
    public string DeliveryKey { get; } = deliveryKey;

    /// <summary>The thread the first delivery appended to, when known.</summary>
    public string? ExistingThreadId { get; } = existingThreadId;
}
