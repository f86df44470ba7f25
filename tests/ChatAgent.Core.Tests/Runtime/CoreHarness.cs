using ChatAgent.Core.Agents;
using ChatAgent.Core.Chat;
using ChatAgent.Core.Approvals;
using ChatAgent.Core.Events;
using ChatAgent.Core.Grants;
using ChatAgent.Core.Planning;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Storage.InMemory;
using ChatAgent.Core.Threads;
using ChatAgent.Core.Tools;
using ChatAgent.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ChatAgent.Core.Tests.Runtime;

/// <summary>
/// The real loop and service over the shipped <c>agents/</c> folder, with shell tools writing to a fresh data
/// directory, a fake clock, sequential ids and a recording scheduler (which also sees the commands' wake-ups). One per test: nothing is shared.
/// </summary>
internal sealed class CoreHarness : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static readonly Lazy<AgentCatalog> ShippedAgents = new(() => AgentCatalog.Load(RepositoryPaths.Agents));

    private readonly TempDirectory _data = new();

    public CoreHarness(IEventStore? store = null, IPlanner? planner = null, ApprovalOptions? approvals = null, IAgentCatalog? catalog = null, PeopleOptions? people = null,
        IWorkingIndicator? working = null, ThreadCache? cache = null, DeliveryTargets? deliveries = null)
    {
        var inner = store ?? new InMemoryEventStore();
        Store = new WakeupsToScheduler(inner, Scheduler);
        // The stores are also the grants projection (written by the same appends): the service and the gate read it there.
        Grants = inner as IGrantIndex;
        Catalog = catalog ?? ShippedAgents.Value;
        var agentsOptions = Options.Create(new AgentsOptions { Path = RepositoryPaths.Agents, DataDir = _data.Path });
        IToolRunner[] runners = [new BuiltinToolRunner(Store, Time), new ShellToolRunner(agentsOptions)];
        var approvers = new ApproverDirectory(Options.Create(approvals ?? new ApprovalOptions()), new PeopleDirectory(Options.Create(people ?? new PeopleOptions())));
        Service = new ThreadService(Store, Catalog, approvers, new ToolValidator(Catalog), Time, Ids, NullLogger<ThreadService>.Instance, Grants);
        Forker = new ThreadForker(Store, Catalog, planner ?? new OfflinePlanner(), Time, Ids, NullLogger<ThreadForker>.Instance);
        Loop = new AgentLoop(Store, Catalog, planner ?? new OfflinePlanner(), new ToolValidator(Catalog), runners, Scheduler,
            Time, Ids, NullLogger<AgentLoop>.Instance, working: working, cache: cache, grants: Grants, approvers: approvers,
            deliveries: deliveries);
    }

    public IEventStore Store { get; }
    public IGrantIndex? Grants { get; }
    public IAgentCatalog Catalog { get; }
    public FakeTimeProvider Time { get; } = new(Start);
    public SequentialIds Ids { get; } = new();
    public RecordingScheduler Scheduler { get; } = new();
    public ThreadService Service { get; }
    public ThreadForker Forker { get; }
    public AgentLoop Loop { get; }
    public string DataDir => _data.Path;

    public static Actor User(string name) => Actor.User("web:" + name, name);

    /// <summary>Approver groups as configuration gives them, e.g. <c>("deployers", ["web:bob", "web:carol"])</c>.</summary>
    public static ApprovalOptions Groups(params (string Name, string[] Members)[] groups)
    {
        var options = new ApprovalOptions();
        foreach (var (name, members) in groups) options.Groups[name] = [.. members];
        return options;
    }

    /// <summary>Launches from the web chat as <paramref name="user"/> and returns the new thread's id.</summary>
    public async Task<string> LaunchAsync(string agent, string input, string user = "alice", string? deliveryKey = null)
    {
        var result = await Service.LaunchAsync(new LaunchCommand(agent, input, new Origin("web", "session-1"), User(user), deliveryKey));
        Assert.True(result.Accepted, result.Message);
        return result.State!.Id;
    }

    public Task<IReadOnlyList<StoredEvent>> EventsAsync(string threadId) => Store.ReadAsync(threadId);

    public async Task<ThreadState> StateAsync(string threadId) => ThreadReducer.Replay(await Store.ReadAsync(threadId));

    /// <summary>Lines of <c>releases.log</c>, one per release-script execution (none when the file doesn't exist).</summary>
    public string[] ReleaseLines()
    {
        var path = Path.Combine(DataDir, "releases.log");
        return File.Exists(path) ? File.ReadAllLines(path) : [];
    }

    public string? ReadData(string file)
    {
        var path = Path.Combine(DataDir, file);
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }

    /// <summary>Appends hand-made events (a given history) at the thread's current version, stamped with the fake clock.</summary>
    public async Task SeedAsync(string threadId, params (ThreadEvent Event, Actor Actor)[] events)
    {
        var existing = await Store.ReadAsync(threadId);
        var now = Time.GetUtcNow();
        var newEvents = events.Select(e => new NewEvent(e.Event, e.Actor, now)).ToList();
        var state = ThreadReducer.Replay(existing);
        var seq = state.Version;
        foreach (var e in newEvents) state = ThreadReducer.Reduce(state, new StoredEvent(threadId, ++seq, e.At, e.Actor, e.Data));
        await Store.AppendAsync(threadId, existing.Count, newEvents, ThreadSummary.From(state));
    }

    public void Dispose() => _data.Dispose();
}
