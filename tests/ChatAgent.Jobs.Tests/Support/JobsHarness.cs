using System.Collections.Concurrent;
using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Storage.Postgres;
using ChatAgent.Core.Tools;
using ChatAgent.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ChatAgent.Jobs.Tests.Support;

/// <summary>
/// One "process" worth of Core and jobs on a real PostgreSQL database, without Hangfire: the scheduler only records
/// what would have been enqueued (also the wake-ups the commands store, as a dispatcher would hand them on), so a test
/// runs jobs itself, when and as often as it wants. Two harnesses on one
/// database behave like two processes (separate connection pools, so separate advisory-lock sessions).
/// </summary>
public sealed class JobsHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private JobsHarness(ServiceProvider services, string dataDir)
    {
        _services = services;
        DataDir = dataDir;
    }

    public string DataDir { get; }

    public RecordingScheduler Scheduler => Get<RecordingScheduler>();

    /// <summary>The store under test, which fails its next appends when told to (<see cref="FlakyEventStore.FailNextAppends"/>).</summary>
    public FlakyEventStore Store => Get<FlakyEventStore>();

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    public static async Task<JobsHarness> StartAsync(string connectionString, string dataDir, Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddChatAgentStorage(connectionString, maxPoolSize: 10);
        services.AddChatAgentTools(o =>
        {
            o.Path = RepositoryPaths.Agents;
            o.DataDir = dataDir;
        });
        services.AddSingleton(sp => new FlakyEventStore(sp.GetRequiredService<PostgresEventStore>(), sp.GetRequiredService<RecordingScheduler>()));
        services.AddSingleton<IEventStore>(sp => sp.GetRequiredService<FlakyEventStore>());
        services.AddSingleton<RecordingScheduler>();
        services.AddSingleton<IThreadScheduler>(sp => sp.GetRequiredService<RecordingScheduler>());
        services.AddSingleton<IThreadLock>(sp => new PostgresThreadLock(sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddChatAgentCore();
        services.AddTransient<RunThreadJob>();
        services.AddTransient<DeliverMessagesJob>();
        services.AddOptions<ThreadSweeperOptions>();
        services.AddSingleton<ThreadSweeper>();
        configure?.Invoke(services);
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<PostgresEventStore>().EnsureSchemaAsync();
        return new JobsHarness(provider, dataDir);
    }

    /// <summary>Launches a deploy thread as <c>web:alice</c> from <paramref name="platform"/>; its run is only recorded, not started.</summary>
    public async Task<string> LaunchAsync(string input, string platform = "api")
    {
        var result = await Get<ThreadService>().LaunchAsync(new LaunchCommand("deploy", input, new Origin(platform, User: "web:alice"), Actor.User("web:alice")));
        Assert.True(result.Accepted, result.Message);
        return result.State!.Id;
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}

/// <summary>Records what would be enqueued instead of enqueuing it: as if every enqueue after a commit were lost.</summary>
public sealed class RecordingScheduler : IThreadScheduler
{
    public ConcurrentQueue<string> Runs { get; } = new();

    public ConcurrentQueue<string> Deliveries { get; } = new();

    public Task ScheduleRunAsync(string threadId, CancellationToken cancellationToken = default)
    {
        Runs.Enqueue(threadId);
        return Task.CompletedTask;
    }

    public Task ScheduleDeliveryAsync(string threadId, CancellationToken cancellationToken = default)
    {
        Deliveries.Enqueue(threadId);
        return Task.CompletedTask;
    }

    public Task ScheduleApprovalCheckAsync(string threadId, string approvalId, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        Task.CompletedTask;
}

/// <summary>
/// The real store, except that the next <see cref="FailNextAppends"/> appends throw (the database away for a moment).
/// The wake-ups a successful append stored are also recorded on <paramref name="dispatched"/>, as the dispatcher would.
/// </summary>
public sealed class FlakyEventStore(IEventStore inner, IThreadScheduler? dispatched = null) : IEventStore
{
    private int _failures;

    public int FailNextAppends
    {
        set => Interlocked.Exchange(ref _failures, value);
    }

    /// <summary>Every read, as (thread, after seq, events returned), in order.</summary>
    public ConcurrentQueue<(string ThreadId, long AfterSeq, int Count)> Reads { get; } = new();

    public async Task<IReadOnlyList<StoredEvent>> ReadAsync(string threadId, long afterSeq = 0, CancellationToken cancellationToken = default)
    {
        var events = await inner.ReadAsync(threadId, afterSeq, cancellationToken);
        Reads.Enqueue((threadId, afterSeq, events.Count));
        return events;
    }

    public Task<IReadOnlyList<StoredEvent>> AppendAsync(string threadId, long expectedVersion, IReadOnlyList<NewEvent> events, ThreadSummary summary, string? deliveryKey = null, IReadOnlyList<ThreadWakeup>? wakeups = null, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Decrement(ref _failures) >= 0) throw new TimeoutException("The database did not answer (simulated)");
        return AppendAndDispatchAsync(threadId, expectedVersion, events, summary, deliveryKey, wakeups, cancellationToken);
    }

    private async Task<IReadOnlyList<StoredEvent>> AppendAndDispatchAsync(string threadId, long expectedVersion, IReadOnlyList<NewEvent> events, ThreadSummary summary,
        string? deliveryKey, IReadOnlyList<ThreadWakeup>? wakeups, CancellationToken cancellationToken)
    {
        var stored = await inner.AppendAsync(threadId, expectedVersion, events, summary, deliveryKey, wakeups, cancellationToken);
        if (dispatched is not null)
        {
            foreach (var w in wakeups ?? [])
                await (w.Kind == WakeupKind.Run ? dispatched.ScheduleRunAsync(w.ThreadId, cancellationToken) : dispatched.ScheduleDeliveryAsync(w.ThreadId, cancellationToken));
        }
        return stored;
    }

    public Task<IReadOnlyList<ThreadSummary>> ListAsync(ThreadQuery query, CancellationToken cancellationToken = default) =>
        inner.ListAsync(query, cancellationToken);
}

/// <summary>A chat platform's far side: records what was posted and updated; fails while <see cref="Down"/>.</summary>
public sealed class RecordingChatSurface(string platform) : ChatAgent.Core.Chat.IChatSurface
{
    public string Platform => platform;

    public bool Down { get; set; }

    public ConcurrentQueue<(string ThreadId, string Key, string Text)> Posted { get; } = new();

    public Task<string> PostAsync(ChatAgent.Core.Threads.ThreadState thread, ChatAgent.Core.Threads.ChatMessage message, CancellationToken cancellationToken)
    {
        if (Down) throw new HttpRequestException("chat is down (simulated)");
        Posted.Enqueue((thread.Id, message.Key, message.Text));
        return Task.FromResult($"{thread.Id}/{message.Key}");
    }

    public Task UpdateAsync(ChatAgent.Core.Threads.ThreadState thread, ChatAgent.Core.Threads.ChatMessage message, string messageRef, CancellationToken cancellationToken)
    {
        if (Down) throw new HttpRequestException("chat is down (simulated)");
        return Task.CompletedTask;
    }
}
