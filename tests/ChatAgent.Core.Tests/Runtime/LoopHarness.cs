using ChatAgent.Core.Agents;
using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Threads;
using ChatAgent.Core.Tools;
using ChatAgent.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatAgent.Core.Tests.Runtime;

/// <summary>
/// Core's loop and commands over the shipped agents, with the in-memory store, the offline planner, the real shell
/// runner (scripts write to <see cref="DataDir"/>) and a scheduler that only records what it was asked to run.
/// </summary>
internal sealed class LoopHarness : IDisposable
{
    private readonly ServiceProvider _provider;
    private readonly TempDirectory _data = new();

    /// <param name="agentsPath">Another agents folder than the shipped one (e.g. with a changed tools.yaml).</param>
    /// <param name="configure">More registrations or options, before Core's.</param>
    public LoopHarness(string? agentsPath = null, Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddChatAgentStorage(null);
        services.AddChatAgentTools(o => { o.Path = agentsPath ?? RepositoryPaths.Agents; o.DataDir = _data.Path; o.WorkflowsPath = RepositoryPaths.Workflows; });
        services.AddSingleton<IThreadScheduler>(Scheduler);
        configure?.Invoke(services);
        services.AddChatAgentCore();
        _provider = services.BuildServiceProvider();
    }

    public HarnessScheduler Scheduler { get; } = new();

    public string DataDir => _data.Path;

    public ThreadService Threads => _provider.GetRequiredService<ThreadService>();

    public AgentLoop Loop => _provider.GetRequiredService<AgentLoop>();

    public IEventStore Store => _provider.GetRequiredService<IEventStore>();

    /// <summary>A loop like <see cref="Loop"/> that appends through <paramref name="store"/> (a wrapper of <see cref="Store"/>).</summary>
    public AgentLoop LoopOver(IEventStore store) => ActivatorUtilities.CreateInstance<AgentLoop>(_provider, store);

    public IAgentCatalog Catalog => _provider.GetRequiredService<IAgentCatalog>();

    public T Get<T>() where T : notnull => _provider.GetRequiredService<T>();

    public static readonly Actor Alice = Actor.User("web:alice", "Alice");
    public static readonly Actor Bob = Actor.User("web:bob", "Bob");

    public async Task<string> LaunchAsync(string agent, string input)
    {
        var result = await Threads.LaunchAsync(new LaunchCommand(agent, input, new Origin("web"), Alice));
        Assert.True(result.Accepted, result.Message);
        return result.State!.Id;
    }

    public async Task<IReadOnlyList<StoredEvent>> EventsAsync(string threadId) => await Store.ReadAsync(threadId, 0);

    public async Task<ThreadState> StateAsync(string threadId) => ThreadReducer.Replay(await EventsAsync(threadId));

    /// <summary>Runs every scheduled or woken thread (what the jobs would do) until nothing is scheduled any more.</summary>
    public async Task DrainAsync()
    {
        for (var i = 0; i < 200; i++)
        {
            await TakeWakeupsAsync();
            string next;
            lock (Scheduler.Runs)
            {
                if (Scheduler.Runs.Count == 0) return;
                next = Scheduler.Runs[0];
                Scheduler.Runs.RemoveAt(0);
            }
            await Loop.RunAsync(next);
        }
        throw new InvalidOperationException("Runs kept being scheduled: the threads do not settle.");
    }

    /// <summary>What the dispatcher would do: the commands' run wake-ups become scheduled runs.</summary>
    public Task TakeWakeupsAsync() => Get<IWakeupQueue>().DispatchAsync(WakeupKind.Run, 1000, (threads, _) =>
    {
        lock (Scheduler.Runs) Scheduler.Runs.AddRange(threads.Select(w => w.ThreadId));
        return Task.CompletedTask;
    });

    public string[] ReleaseLog() =>
        File.Exists(Path.Combine(DataDir, "releases.log")) ? File.ReadAllLines(Path.Combine(DataDir, "releases.log")) : [];

    public void Dispose()
    {
        _provider.Dispose();
        _data.Dispose();
    }
}

/// <summary>Records the runs and deliveries Core asked for; runs nothing by itself.</summary>
internal sealed class HarnessScheduler : IThreadScheduler
{
    public List<string> Runs { get; } = [];

    public Task ScheduleRunAsync(string threadId, CancellationToken cancellationToken = default)
    {
        lock (Runs) Runs.Add(threadId);
        return Task.CompletedTask;
    }

    public Task ScheduleDeliveryAsync(string threadId, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task ScheduleApprovalCheckAsync(string threadId, string approvalId, DateTimeOffset at, CancellationToken cancellationToken = default) => Task.CompletedTask;
}
