using ChatAgent.Core.Storage;
using ChatAgent.Core.Storage.Postgres;

namespace ChatAgent.Core.Tests.Storage;

public sealed class PostgresEventStoreTests(PostgresDatabase database) : EventStoreContract, IClassFixture<PostgresDatabase>
{
    protected override IEventStore Store { get; } = new PostgresEventStore(database.DataSource);

    protected override async Task<IEventStore> CreateUninitializedStoreAsync() =>
        new PostgresEventStore(await database.CreateDataSourceAsync());

    protected override async Task WipeProjectionAsync()
    {
        await using var command = database.DataSource.CreateCommand("DELETE FROM threads");
        await command.ExecuteNonQueryAsync();
    }
}
