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
        // The first reads the whole stream; the later ones read nothing: each keeps what the step before committed,
        // as the append returned it (as stored).
        var events = await _store.Inner.ReadAsync(id);
        Assert.Equal(3, events.Count(e => e.Data is ModelDecision));
        Assert.Equal([0L], _store.ReadsOf(id));
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
    public async Task AStepsOwnEvents_AreKeptAsStored_InJsonbsKeyOrder()
    {
        // The model writes keys in its own order; PostgreSQL's jsonb keeps them shorter first, then by bytes.
        var cache = new ThreadCache(_store);
        using var h = new CoreHarness(store: _store, cache: cache, planner: new UnorderedKeysPlanner());
        var id = await h.LaunchAsync("daily-summary", "Summarize the last 24 hours.");
        var agent = h.Catalog.FindAgent("daily-summary")!;
        var tools = agent.Tools.Select(h.Catalog.FindTool).OfType<ToolDefinition>().ToList();

        // post_message, then (from the snapshot that step kept, reading nothing) done.
        var posted = await h.Loop.StepAsync(id);
        Assert.True(posted.Continue);
        _store.Reads.Clear();
        var kept = await cache.LoadAsync(id);
        Assert.Equal([kept.Seq], _store.ReadsOf(id)); // nothing new to read: the step's events were kept
        var done = await h.Loop.StepAsync(id);
        Assert.False(done.Continue);
        kept = await cache.LoadAsync(id);

        var stored = await _store.Inner.ReadAsync(id);
        var called = stored.Select(e => e.Data).OfType<ToolCalled>().Single(c => c.Tool == "done");
        Assert.Equal("""{"result":{"b":2,"zeta":{"yy":1,"aaa":2}},"summary":"Quiet."}""", called.Parameters.GetRawText().Replace(" ", ""));
        // What the steps kept is byte for byte what a read gives, and so is the model's history rendered from it.
        Assert.Equal(stored.Select(e => JsonSerializer.Serialize(e.Data, EventJson.Options)), kept.Events.Select(e => JsonSerializer.Serialize(e.Data, EventJson.Options)));
        Assert.Equal(stored.Select(e => (e.Seq, e.At, e.Actor)), kept.Events.Select(e => (e.Seq, e.At, e.Actor)));
        Assert.Equal(ContextBuilder.Render(agent, kept.State, stored, tools), ContextBuilder.Render(agent, kept.State, kept.History, tools));
    }

    /// <summary>post_message, then done with keys out of jsonb's order at every level.</summary>
    private sealed class UnorderedKeysPlanner : IPlanner
    {
        private int _calls;

        public string Name => "unordered";

        public Task<PlannerDecision> DecideAsync(PlanningContext context, CancellationToken cancellationToken)
        {
            var (tool, json) = _calls++ == 0
                ? ("post_message", """{"text":"Step one."}""")
                : ("done", """{"summary":"Quiet.","result":{"zeta":{"yy":1,"aaa":2},"b":2}}""");
            return Task.FromResult(PlannerDecision.Call(json, tool, JsonDocument.Parse(json).RootElement.Clone()));
        }
    }

    [Fact]
    public async Task AnotherAppendBetweenSteps_StopsTheStepBeforeItsEffect_AndTheNextRunGoesOnFromIt()
    {
        // While the model decides the second step, someone else appends to the running thread (not a delivery receipt).
        string? id = null;
        CoreHarness? h = null;
        var planner = new Interrupting(new OfflinePlanner(), 2, () => h!.SeedAsync(id!, (new MessageQueued("note", "status", "Someone wrote."), Actor.System)));
        using var harness = h = new CoreHarness(store: _store, cache: new ThreadCache(_store), planner: planner);
        id = await h.LaunchAsync("deploy", "api to staging");

        var stopped = await h.Loop.RunAsync(id);

        // The second step's append met the other one: nothing of that step was written or done, and the loop stopped
        // with the thread as the store has it (still running; the run's job runs it again from there).
        Assert.Equal(ThreadStatus.Running, stopped.Status);
        Assert.Equal((await h.StateAsync(id)).Version, stopped.Version);
        Assert.Equal(["run_tests"], (await h.EventsAsync(id)).Select(e => e.Data).OfType<ToolCalled>().Select(c => c.Tool));
        Assert.Single(h.ReleaseLines());

        var done = await h.Loop.RunAsync(id);

        Assert.Equal(ThreadStatus.Completed, done.Status);
        Assert.Equal(["run_tests", "deploy_to_staging", "done"], (await h.EventsAsync(id)).Select(e => e.Data).OfType<ToolCalled>().Select(c => c.Tool));
        Assert.Equal(2, h.ReleaseLines().Length);
    }

    /// <summary>A planner that lets <paramref name="interrupt"/> append before it answers its <paramref name="call"/>th question.</summary>
    private sealed class Interrupting(IPlanner inner, int call, Func<Task> interrupt) : IPlanner
    {
        private int _calls;

        public string Name => inner.Name;

        public async Task<PlannerDecision> DecideAsync(PlanningContext context, CancellationToken cancellationToken)
        {
            if (++_calls == call) await interrupt();
            return await inner.DecideAsync(context, cancellationToken);
        }
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
