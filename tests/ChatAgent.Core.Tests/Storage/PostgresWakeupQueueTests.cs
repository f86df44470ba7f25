using ChatAgent.Core.Storage;
using ChatAgent.Core.Storage.Postgres;

namespace ChatAgent.Core.Tests.Storage;

public sealed class PostgresWakeupQueueTests(PostgresDatabase database) : WakeupQueueContract, IClassFixture<PostgresDatabase>
{
    protected override IEventStore Store { get; } = new PostgresEventStore(database.DataSource);

    protected override IWakeupQueue Wakeups { get; } = new PostgresWakeups(database.DataSource, new WakeSignal());
}
