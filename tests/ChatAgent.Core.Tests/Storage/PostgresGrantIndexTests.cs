using ChatAgent.Core.Grants;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Storage.Postgres;

namespace ChatAgent.Core.Tests.Storage;

public sealed class PostgresGrantIndexTests(PostgresDatabase database) : GrantIndexContract, IClassFixture<PostgresDatabase>
{
    private readonly PostgresEventStore _store = new(database.DataSource);

    protected override IEventStore Store => _store;

    protected override IGrantIndex Grants => _store;

    protected override async Task WipeGrantsAsync()
    {
        await using var command = database.DataSource.CreateCommand("DELETE FROM grants");
        await command.ExecuteNonQueryAsync();
    }
}
