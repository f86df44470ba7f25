using ChatAgent.Core.Storage;
using ChatAgent.Core.Storage.Postgres;

namespace ChatAgent.Core.Tests.Storage;

public sealed class PostgresWebhookDeliveriesTests(PostgresDatabase database) : WebhookDeliveriesContract, IClassFixture<PostgresDatabase>
{
    protected override IWebhookDeliveries Deliveries { get; } = new PostgresWebhookDeliveries(database.DataSource);
}
