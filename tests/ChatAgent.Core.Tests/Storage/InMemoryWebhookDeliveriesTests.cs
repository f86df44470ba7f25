using ChatAgent.Core.Storage;
using ChatAgent.Core.Storage.InMemory;

namespace ChatAgent.Core.Tests.Storage;

public sealed class InMemoryWebhookDeliveriesTests : WebhookDeliveriesContract
{
    protected override IWebhookDeliveries Deliveries { get; } = new InMemoryWebhookDeliveries();
}
