using System.Text.Json;
using System.Text.Json.Nodes;
using ChatAgent.Core.Events;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Threads;

namespace ChatAgent.Core.Tests.Storage;

/// <summary>
/// What every <see cref="IEventStore"/> promises, run against each implementation. Each test owns its
/// thread ids and agent names, so tests never see each other's data.
/// </summary>
public abstract class EventStoreContract
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);

    /// <summary>The store under test, with its schema in place.</summary>
    protected abstract IEventStore Store { get; }

    /// <summary>A new store on empty storage whose schema has not been created yet.</summary>
    protected abstract Task<IEventStore> CreateUninitializedStoreAsync();

    /// <summary>Loses the thread-list projection (not the events), as a damaged or stale table would.</summary>
    protected abstract Task WipeProjectionAsync();

    [Fact]
    public async Task Append_ThenRead_RoundTripsEveryEventType()
    {
        var id = NewId();
        var samples = SampleEvents.All(NewAgent());
        Assert.Equal(EventTypes.All.Count, samples.Select(s => s.GetType()).Distinct().Count());

        var news = samples.Select((e, i) => new NewEvent(e, i % 2 == 0 ? Actor.User("slack:U1", "Ann") : Actor.Agent, T0.AddSeconds(i))).ToArray();
        var stored = await AppendAsync(id, 0, news);
        var read = await Store.ReadAsync(id);

        Assert.Equal(Enumerable.Range(1, samples.Count).Select(i => (long)i), stored.Select(e => e.Seq));
        Assert.Equal(stored.Select(e => e.Seq), read.Select(e => e.Seq));
        for (var i = 0; i < news.Length; i++)
        {
            Assert.Equal(id, read[i].ThreadId);
            Assert.Equal(news[i].At, read[i].At);
            Assert.Equal(news[i].Actor, read[i].Actor);
            Assert.Equal(news[i].Data.GetType(), read[i].Data.GetType());
            Assert.True(JsonEquals(news[i].Data, read[i].Data), $"{news[i].Data.Type}: {EventJson.Serialize(news[i].Data)} != {EventJson.Serialize(read[i].Data)}");
        }
    }

    [Fact]
    public async Task Read_AfterSeq_ReturnsOnlyLaterEvents_AndUnknownThreadIsEmpty()
    {
        var id = NewId();
        await AppendAsync(id, 0, Start(NewAgent()), Input("a"), Input("b"));
        await AppendAsync(id, 3, Input("c"));

        var after2 = await Store.ReadAsync(id, afterSeq: 2);

        Assert.Equal([3L, 4L], after2.Select(e => e.Seq));
        Assert.Equal(["b", "c"], after2.Select(e => ((UserInput)e.Data).Text));
        Assert.Empty(await Store.ReadAsync(id, afterSeq: 4));
        Assert.Empty(await Store.ReadAsync(NewId()));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Append_AtWrongExpectedVersion_ThrowsConcurrencyException_AndWritesNothing(long wrongVersion)
    {
        var id = NewId();
        var agent = NewAgent();
        await AppendAsync(id, 0, Start(agent), Input("first"));
        var before = await Store.ListAsync(new ThreadQuery(Agent: agent));

        var error = await Assert.ThrowsAsync<ConcurrencyException>(() => AppendAsync(id, wrongVersion, Input("late")));

        Assert.Equal(id, error.ThreadId);
        Assert.Equal(wrongVersion, error.ExpectedVersion);
        Assert.Equal(2, (await Store.ReadAsync(id)).Count);
        Assert.Equal(before, await Store.ListAsync(new ThreadQuery(Agent: agent)));
    }

    [Fact]
    public async Task Append_WithNoEvents_IsRejected_AndWritesNothing()
    {
        var id = NewId();
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AppendAsync(id, 0, [], Summary(id, [Start(NewAgent())])));

        Assert.Empty(await Store.ReadAsync(id));
    }

    [Fact]
    public async Task ConcurrentAppends_AtTheSameVersion_ExactlyOneWins()
    {
        var id = NewId();
        await AppendAsync(id, 0, Start(NewAgent()));

        var attempts = Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            try { await AppendAsync(id, 1, Input($"writer {i}")); return (Writer: i, Won: true); }
            catch (ConcurrencyException) { return (Writer: i, Won: false); }
        })).ToArray();
        var results = await Task.WhenAll(attempts);

        var winner = Assert.Single(results, r => r.Won);
        var events = await Store.ReadAsync(id);
        Assert.Equal([1L, 2L], events.Select(e => e.Seq));
        Assert.Equal($"writer {winner.Writer}", ((UserInput)events[1].Data).Text);
    }

    [Fact]
    public async Task Append_WithUsedDeliveryKey_ThrowsDuplicateDelivery_WithFirstThread_AndWritesNothing()
    {
        var key = $"slack-event-{Guid.NewGuid():N}";
        var agent = NewAgent();
        var first = NewId();
        var second = NewId();
        await AppendAsync(first, 0, [Start(agent)], key);

        var error = await Assert.ThrowsAsync<DuplicateDeliveryException>(() => AppendAsync(second, 0, [Start(agent)], key));

        Assert.Equal(key, error.DeliveryKey);
        Assert.Equal(first, error.ExistingThreadId);
        Assert.Empty(await Store.ReadAsync(second));
        Assert.Equal([first], (await Store.ListAsync(new ThreadQuery(Agent: agent))).Select(t => t.Id));
        Assert.Equal([first], (await Store.ListAsync(new ThreadQuery(DeliveryKey: key))).Select(t => t.Id));
    }

    [Fact]
    public async Task Append_WithUsedDeliveryKey_OnTheSameThread_IsADuplicateNotAConflict()
    {
        var key = $"teams-activity-{Guid.NewGuid():N}";
        var id = NewId();
        await AppendAsync(id, 0, [Start(NewAgent())], key);

        var error = await Assert.ThrowsAsync<DuplicateDeliveryException>(() => AppendAsync(id, 0, [Start("other")], key));

        Assert.Equal(id, error.ExistingThreadId);
        Assert.Single(await Store.ReadAsync(id));
    }

    [Fact]
    public async Task List_FiltersByStatusAndAgent_NewestFirst_UpToLimit()
    {
        var agent = NewAgent();
        var other = NewAgent();
        var a = NewId(); var b = NewId(); var c = NewId(); var d = NewId();
        await AppendAsync(a, 0, [Start(agent, T0)]);
        await AppendAsync(b, 0, [Start(agent, T0.AddMinutes(1))]);
        await AppendAsync(c, 0, [Start(other, T0.AddMinutes(2))]);
        await AppendAsync(d, 0, [Start(agent, T0.AddMinutes(3)), At(new ThreadCompleted("done"), T0.AddMinutes(4))]);
        await AppendAsync(a, 1, [At(new ThreadPaused("manual", null, false), T0.AddMinutes(5))]);

        var all = await Store.ListAsync(new ThreadQuery(Agent: agent));
        var running = await Store.ListAsync(new ThreadQuery(Status: "running", Agent: agent));
        var completed = await Store.ListAsync(new ThreadQuery(Status: "completed", Agent: agent));
        var limited = await Store.ListAsync(new ThreadQuery(Agent: agent, Limit: 2));

        Assert.Equal([a, d, b], all.Select(t => t.Id));
        Assert.Equal([b], running.Select(t => t.Id));
        Assert.Equal([d], completed.Select(t => t.Id));
        Assert.Equal([a, d], limited.Select(t => t.Id));
        Assert.Equal(new ThreadSummary(a, agent, "paused", 0, 10, 2, "slack", "slack:U1", 0, T0, T0.AddMinutes(5)), all[0]);
    }

    [Fact]
    public async Task List_FindsThreadsNotUpdatedSince_AndUndeliveredOutboxesOfAPlatform()
    {
        var agent = NewAgent();
        var old = NewId(); var recent = NewId(); var delivered = NewId();
        await AppendAsync(old, 0, [Start(agent, T0), At(new MessageQueued("status", "status", "working"), T0)]);
        await AppendAsync(recent, 0, [Start(agent, T0.AddMinutes(10)), At(new MessageQueued("status", "status", "working"), T0.AddMinutes(10))]);
        await AppendAsync(delivered, 0, [Start(agent, T0), At(new MessageQueued("status", "status", "working"), T0)]);
        await AppendAsync(delivered, 2, [At(new MessagePosted("status", "slack", "ts-1", 2), T0.AddSeconds(1))]);

        var stale = await Store.ListAsync(new ThreadQuery(Agent: agent, UpdatedBefore: T0.AddMinutes(5)));
        var undelivered = await Store.ListAsync(new ThreadQuery(Agent: agent, Platform: "slack", UndeliveredOnly: true));
        var otherPlatform = await Store.ListAsync(new ThreadQuery(Agent: agent, Platform: "teams", UndeliveredOnly: true));

        Assert.Equal([delivered, old], stale.Select(t => t.Id));
        Assert.Equal([recent, old], undelivered.Select(t => t.Id));
        Assert.All(undelivered, t => Assert.Equal(1, t.UndeliveredMessages));
        Assert.Empty(otherPlatform);
    }

    [Fact]
    public async Task RebuildProjection_FromEvents_EqualsTheLiveProjection()
    {
        var agent = NewAgent();
        foreach (var (id, i) in Enumerable.Range(0, 5).Select(i => (NewId(), i)))
        {
            var events = SampleEvents.All(agent).Take(3 + i * 3).Select((e, n) => At(e, T0.AddMinutes(i).AddSeconds(n))).ToArray();
            await AppendAsync(id, 0, events[..2]);
            await AppendAsync(id, 2, events[2..]);
        }
        var live = await Store.ListAsync(new ThreadQuery(Limit: 10_000));
        Assert.Equal(5, live.Count(t => t.Agent == agent));

        await WipeProjectionAsync();
        Assert.Empty(await Store.ListAsync(new ThreadQuery(Limit: 10_000)));
        await ((IProjectionRebuilder)Store).RebuildProjectionAsync();

        Assert.Equal(live, await Store.ListAsync(new ThreadQuery(Limit: 10_000)));
    }

    [Fact]
    public async Task EnsureSchema_IsIdempotent_AlsoWhenCalledConcurrently()
    {
        var store = await CreateUninitializedStoreAsync();
        var initializer = (IStorageInitializer)store;

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => initializer.EnsureSchemaAsync())));
        var id = NewId();
        await store.AppendAsync(id, 0, [At(Start(NewAgent()), T0)], Summary(id, [Start(NewAgent())]));
        await initializer.EnsureSchemaAsync();
        await initializer.EnsureSchemaAsync();

        Assert.Single(await store.ReadAsync(id));
    }

    private static string NewId() => $"th-{Guid.NewGuid():N}";

    private static string NewAgent() => $"agent-{Guid.NewGuid():N}"[..20];

    private static ThreadStarted Start(string agent) =>
        new(agent, "input", new Dictionary<string, string>(), new Origin("slack", User: "slack:U1"), 10);

    private static NewEvent Start(string agent, DateTimeOffset at) => At(Start(agent), at);

    private static UserInput Input(string text) => new(text);

    private static NewEvent At(ThreadEvent e, DateTimeOffset at) => new(e, Actor.User("slack:U1"), at);

    private Task<IReadOnlyList<StoredEvent>> AppendAsync(string id, long expectedVersion, params ThreadEvent[] events) =>
        AppendAsync(id, expectedVersion, events.Select((e, i) => At(e, T0.AddSeconds(expectedVersion + i))).ToArray());

    private Task<IReadOnlyList<StoredEvent>> AppendAsync(string id, long expectedVersion, IReadOnlyList<ThreadEvent> events, string key) =>
        AppendAsync(id, expectedVersion, events.Select((e, i) => At(e, T0.AddSeconds(expectedVersion + i))).ToArray(), key);

    /// <summary>Appends with the summary a real caller would pass: the state after these events, reduced.</summary>
    private async Task<IReadOnlyList<StoredEvent>> AppendAsync(string id, long expectedVersion, IReadOnlyList<NewEvent> events, string? key = null)
    {
        var history = expectedVersion == 0 ? [] : await Store.ReadAsync(id);
        var state = ThreadReducer.Replay(history.Take((int)expectedVersion)
            .Concat(events.Select((e, i) => new StoredEvent(id, expectedVersion + 1 + i, e.At, e.Actor, e.Data))));
        return await Store.AppendAsync(id, expectedVersion, events, ThreadSummary.From(state) with { Id = id }, key);
    }

    private static ThreadSummary Summary(string id, IEnumerable<ThreadEvent> events) =>
        ThreadSummary.From(ThreadReducer.Replay(events.Select((e, i) => new StoredEvent(id, i + 1, T0, Actor.User("slack:U1"), e))));

    private static bool JsonEquals(ThreadEvent expected, ThreadEvent actual) =>
        JsonNode.DeepEquals(JsonNode.Parse(EventJson.Serialize(expected)), JsonNode.Parse(EventJson.Serialize(actual)));
}
