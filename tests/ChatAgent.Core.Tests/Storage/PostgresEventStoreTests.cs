using ChatAgent.Core.Events;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Storage.Postgres;
using ChatAgent.Core.Threads;

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

    /// <summary>
    /// A duplicate delivery is told on the append's own connection: with one connection in the pool (as with as many
    /// concurrent duplicates as the pool has connections) a second one would never come, and the caller would get the
    /// pool's timeout instead of "already handled".
    /// </summary>
    [Fact]
    public async Task ADuplicateDelivery_OnAOneConnectionPool_IsADuplicate_NotAPoolTimeout()
    {
        var onePool = database.OneConnectionPool();
        var store = new PostgresEventStore(onePool);
        var key = $"webhook-replay-{Guid.NewGuid():N}";
        var first = $"th-{Guid.NewGuid():N}";
        await StartAsync(store, first, key);

        var error = await Assert.ThrowsAsync<DuplicateDeliveryException>(() => StartAsync(store, $"th-{Guid.NewGuid():N}", key));
        Assert.Equal(first, error.ExistingThreadId);
    }

    private static Task StartAsync(IEventStore store, string id, string key)
    {
        var started = new NewEvent(new ThreadStarted("deploy", "input", new Dictionary<string, string>(), new Origin("webhook", User: "github:hubot"), 10),
            Actor.User("github:hubot"), new DateTimeOffset(2026, 12, 7, 13, 30, 0, TimeSpan.Zero));
        var state = ThreadReducer.Replay([new StoredEvent(id, 1, started.At, started.Actor, started.Data)]);
        return store.AppendAsync(id, 0, [started], ThreadSummary.From(state) with { Id = id }, key);
    }
}
