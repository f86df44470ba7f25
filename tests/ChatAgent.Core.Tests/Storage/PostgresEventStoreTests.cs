using System.Text.Json;
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

    /// <summary>
    /// An append's statement carries only the parts it writes (a delivery key, wake-ups, Slack links, grants), in a form
    /// for one event and one for several: each of the combinations writes exactly its parts, with the events and the
    /// thread-list row.
    /// </summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task EachCombinationOfAnAppendsParts_WritesExactlyThoseParts(bool delivery, bool wakeup, bool link, bool grant, bool twoEvents)
    {
        var store = new PostgresEventStore(database.DataSource);
        var id = $"th-{Guid.NewGuid():N}";
        var key = delivery ? $"key-{Guid.NewGuid():N}" : null;
        var ts = $"{Random.Shared.NextInt64(1_000_000_000, 9_999_999_999)}.000100";
        var grantId = $"gr-{Guid.NewGuid():N}";
        var at = new DateTimeOffset(2026, 12, 7, 15, 0, 0, TimeSpan.Zero);
        var alice = Actor.User("slack:U1");
        List<NewEvent> events =
        [
            new(new ThreadStarted("deploy", "api to production", new Dictionary<string, string>(),
                link ? new Origin("slack", "C123", ts, "slack:U1") : new Origin("api", User: "slack:U1"), 10), alice, at),
        ];
        if (twoEvents) events.Add(new(new UserInput("api to production"), alice, at));
        if (grant)
            events.Add(new(new GrantCreated(grantId, "appr-1", "deploy", new Dictionary<string, JsonElement>(), at.AddHours(1), null), alice, at));
        var state = ThreadReducer.Replay(events.Select((e, i) => new StoredEvent(id, i + 1, e.At, e.Actor, e.Data)));

        await store.AppendAsync(id, 0, events, ThreadSummary.From(state), key, wakeup ? [new ThreadWakeup(id, WakeupKind.Run)] : null);

        var stored = await store.ReadAsync(id);
        Assert.Equal(events.Select(e => e.Data.Type), stored.Select(e => e.Data.Type));
        Assert.Equal(events.Select(e => e.At), stored.Select(e => e.At));
        Assert.Equal(delivery, (await store.ListAsync(new ThreadQuery(DeliveryKey: key ?? "none", Limit: 5))).Any(t => t.Id == id));
        Assert.Equal(events.Count, Assert.Single(await store.ListAsync(new ThreadQuery(Limit: 1000)), t => t.Id == id).Version);
        Assert.Equal(delivery ? 1 : 0, await CountAsync("SELECT count(*) FROM deliveries WHERE thread_id = $1", id));
        Assert.Equal(wakeup ? 1 : 0, await CountAsync("SELECT count(*) FROM wakeups WHERE thread_id = $1", id));
        Assert.Equal(link ? id : null, await new PostgresConversations(database.DataSource).FindThreadAsync("slack", $"C123|{ts}"));
        Assert.Equal(grant, await store.FindGrantAsync(grantId) is { ThreadId: var owner } && owner == id);
    }

    public static TheoryData<bool, bool, bool, bool, bool> Shapes()
    {
        var data = new TheoryData<bool, bool, bool, bool, bool>();
        for (var shape = 0; shape < 32; shape++) data.Add((shape & 1) != 0, (shape & 2) != 0, (shape & 4) != 0, (shape & 8) != 0, (shape & 16) != 0);
        return data;
    }

    private async Task<long> CountAsync(string sql, string id)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        command.Parameters.Add(new Npgsql.NpgsqlParameter<string> { TypedValue = id });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static Task StartAsync(IEventStore store, string id, string key)
    {
        var started = new NewEvent(new ThreadStarted("deploy", "input", new Dictionary<string, string>(), new Origin("webhook", User: "github:hubot"), 10),
            Actor.User("github:hubot"), new DateTimeOffset(2026, 12, 7, 13, 30, 0, TimeSpan.Zero));
        var state = ThreadReducer.Replay([new StoredEvent(id, 1, started.At, started.Actor, started.Data)]);
        return store.AppendAsync(id, 0, [started], ThreadSummary.From(state) with { Id = id }, key);
    }
}
