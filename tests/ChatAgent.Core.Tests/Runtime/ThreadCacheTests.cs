using System.Text.Json;
using ChatAgent.Core.Agents;
using ChatAgent.Core.Events;
using ChatAgent.Core.Planning;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Storage.InMemory;
using ChatAgent.Core.Storage.Postgres;
using ChatAgent.Core.Tests.Storage;
using ChatAgent.Core.Threads;
using ChatAgent.Core.Tools;
using ChatAgent.TestSupport;

namespace ChatAgent.Core.Tests.Runtime;

/// <summary>
/// The loop's per-process thread cache: a step reads only the events since the last step, and what it then works on
/// (events, state, the model's history lines) is exactly what a full read of the stream gives, on PostgreSQL.
/// </summary>
public sealed class ThreadCacheTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IDisposable
{
    private readonly ReadRecorder _store = new(new PostgresEventStore(database.DataSource));
    private CoreHarness? _harness;

    private CoreHarness Harness(ThreadCache cache) => _harness ??= new CoreHarness(store: _store, cache: cache);

    public void Dispose() => _harness?.Dispose();

    [Fact]
    public async Task ARun_ReadsTheWholeStreamOnce_ThenOnlyWhatEachStepAdded()
    {
        var cache = new ThreadCache(_store);
        var h = Harness(cache);
        var id = await h.LaunchAsync("deploy", "api to production");
        _store.Reads.Clear();

        var paused = await h.Loop.RunAsync(id);

        Assert.Equal(ThreadStatus.AwaitingHuman, paused.Status);
        // run_tests, deploy_to_staging, then the approval request: three steps, each opened by its model_decision.
        // The first reads the whole stream; each later one only what came after the previous read (the step before's
        // own events among them, as the store keeps them).
        var events = await _store.Inner.ReadAsync(id);
        var decisions = events.Where(e => e.Data is ModelDecision).Select(e => e.Seq).ToList();
        Assert.Equal(3, decisions.Count);
        long[] expected = [0, .. decisions.Take(2).Select(seq => seq - 1)];
        Assert.Equal(expected, _store.ReadsOf(id));
        // The run stopped to wait for people: the thread is forgotten, so waiting threads cost no memory.
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task EachStep_SeesExactlyWhatAFullReadGives_IncludingEventsOthersAppended()
    {
        var cache = new ThreadCache(_store);
        var h = Harness(cache);
        var id = await h.LaunchAsync("deploy", "api to production");
        var agent = h.Catalog.FindAgent("deploy")!;
        var tools = agent.Tools.Select(h.Catalog.FindTool).OfType<ToolDefinition>().ToList();

        var steps = 0;
        while (true)
        {
            var outcome = await h.Loop.StepAsync(id);
            steps++;
            if (!outcome.Continue)
            {
                if (outcome.State.PendingApprovals.FirstOrDefault() is not { } pending) break;
                // Someone else appends while the thread waits: the next load must fold it in.
                var decided = await h.Service.DecideApprovalAsync(id, pending.Id, approve: true, CoreHarness.User("bob"), "ship it");
                Assert.True(decided.Accepted, decided.Message);
            }

            var cached = await cache.LoadAsync(id);
            var stored = await _store.Inner.ReadAsync(id);
            Assert.Equal(stored.Count, cached.Events.Count);
            for (var i = 0; i < stored.Count; i++)
            {
                Assert.Equal(stored[i].Seq, cached.Events[i].Seq);
                Assert.Equal(stored[i].At, cached.Events[i].At);
                Assert.Equal(stored[i].Actor, cached.Events[i].Actor);
                Assert.Equal(JsonSerializer.Serialize(stored[i].Data, EventJson.Options), JsonSerializer.Serialize(cached.Events[i].Data, EventJson.Options));
            }
            Assert.Equal(StateJson.Of(ThreadReducer.Replay(stored)), StateJson.Of(cached.State));
            Assert.Equal(ContextBuilder.Render(agent, cached.State, stored, tools), ContextBuilder.Render(agent, cached.State, cached.History, tools));
            if (steps > 12) throw new InvalidOperationException("The deploy thread did not end in 12 steps.");
        }

        Assert.Equal(ThreadStatus.Completed, (await h.StateAsync(id)).Status);
        Assert.Contains(await h.EventsAsync(id), e => e.Data is ToolReturned { Tool: "deploy_to_production" });
    }

    [Fact]
    public void ASnapshot_RefusesEventsThatDoNotFollowIt()
    {
        var started = new StoredEvent("th_a", 1, CoreHarness.Start, Actor.User("web:alice"),
            new ThreadStarted("deploy", "api", new Dictionary<string, string>(), new Origin("web"), 8));
        var one = ThreadSnapshot.Empty("th_a").With([started]);

        var gap = Assert.Throws<InvalidOperationException>(() => one.With([started with { Seq = 3 }]));
        Assert.Equal("Event th_a#3 does not follow th_a#1.", gap.Message);
        var other = Assert.Throws<InvalidOperationException>(() => one.With([started with { ThreadId = "th_b", Seq = 2 }]));
        Assert.Equal("Event th_b#2 does not follow th_a#1.", other.Message);
        Assert.Equal(1, one.Seq);
        Assert.Equal(["<thread_started seq=\"1\" at=\"2026-03-02T09:00:00Z\" by=\"web:alice\" platform=\"web\"/>"], one.History);
    }

    [Fact]
    public async Task Keep_NeverReplacesANewerSnapshotWithAnOlderOne()
    {
        var store = new InMemoryEventStore();
        var cache = new ThreadCache(store);
        var h = new CoreHarness(store: store, cache: cache);
        using var _ = h;
        var id = await h.LaunchAsync("deploy", "api to staging");
        var first = await cache.LoadAsync(id);
        await h.Loop.StepAsync(id);
        var second = await cache.LoadAsync(id);
        Assert.True(second.Seq > first.Seq);

        cache.Keep(first);

        Assert.Same(second, await cache.LoadAsync(id));
    }

    /// <summary>Records every read's <c>afterSeq</c>, per thread.</summary>
    private sealed class ReadRecorder(IEventStore inner) : IEventStore
    {
        public IEventStore Inner => inner;

        public List<(string ThreadId, long AfterSeq)> Reads { get; } = [];

        public List<long> ReadsOf(string threadId)
        {
            lock (Reads) return Reads.Where(r => r.ThreadId == threadId).Select(r => r.AfterSeq).ToList();
        }

        public Task<IReadOnlyList<StoredEvent>> ReadAsync(string threadId, long afterSeq = 0, CancellationToken cancellationToken = default)
        {
            lock (Reads) Reads.Add((threadId, afterSeq));
            return inner.ReadAsync(threadId, afterSeq, cancellationToken);
        }

        public Task<IReadOnlyList<StoredEvent>> AppendAsync(string threadId, long expectedVersion, IReadOnlyList<NewEvent> events, ThreadSummary summary,
            string? deliveryKey = null, IReadOnlyList<ThreadWakeup>? wakeups = null, CancellationToken cancellationToken = default) =>
            inner.AppendAsync(threadId, expectedVersion, events, summary, deliveryKey, wakeups, cancellationToken);

        public Task<IReadOnlyList<ThreadSummary>> ListAsync(ThreadQuery query, CancellationToken cancellationToken = default) => inner.ListAsync(query, cancellationToken);
    }
}
