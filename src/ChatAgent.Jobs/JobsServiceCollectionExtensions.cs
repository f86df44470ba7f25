using ChatAgent.Core.Runtime;
using ChatAgent.Jobs.Cron;
using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.PostgreSql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChatAgent.Jobs;

public static class JobsServiceCollectionExtensions
{
    /// <summary>
    /// Hangfire on PostgreSQL when <paramref name="postgresConnectionString"/> is set, else Hangfire.InMemory (the
    /// embedded default), and the dispatcher that turns committed wake-ups into this process's runs
    /// (<see cref="ThreadDispatcher"/>, <see cref="LocalRuns"/>). PostgreSQL is tuned for latency: LISTEN/NOTIFY long polling so a click does not wait for a
    /// queue poll, and a sliding invisibility timeout so a long run is not picked up twice. Sizes come from
    /// <see cref="JobsOptions"/> (<c>Jobs:*</c>).
    /// </summary>
    /// <remarks>
    /// Self-contained: the host's <see cref="JobStorage"/> and <see cref="JobActivator"/> are its own singletons, which
    /// Hangfire's client, recurring-job manager, server and dashboard all take from the container, so Hangfire's
    /// process-wide <c>JobStorage.Current</c> is never set or read and two hosts in one process never see each other's
    /// jobs. What stays process-wide in Hangfire is the same for every host: the serializer settings, the global filters
    /// (<see cref="TraceContextJobFilter"/> is added once) and the log provider (<see cref="HangfireLogProvider"/>, which
    /// writes to a running host's logs and never to a stopped one's).
    /// </remarks>
    public static IServiceCollection AddChatAgentJobs(this IServiceCollection services, string? postgresConnectionString)
    {
        services.AddOptions<JobsOptions>();
        // Registered before AddHangfire, whose TryAdd fallbacks are the process-wide JobStorage.Current and JobActivator.Current.
        services.AddSingleton<JobStorage>(sp => postgresConnectionString is null
            ? new Hangfire.InMemory.InMemoryStorage()
            : new PostgreSqlStorage(
                // Hangfire borrows the host's one NpgsqlDataSource: one pool to size and monitor, closed with the host.
                new DataSourceConnectionFactory(sp.GetRequiredService<NpgsqlDataSource>()),
                new PostgreSqlStorageOptions
                {
                    SchemaName = "hangfire",
                    PrepareSchemaIfNecessary = true,
                    EnableLongPolling = true,
                    // Long polling wakes a worker on NOTIFY; the poll is only the fallback for a missed notification.
                    QueuePollInterval = TimeSpan.FromSeconds(5),
                    // Sliding: a live worker keeps extending its claim, so a long step is never picked up twice;
                    // a dead process's claims lapse after this (the sweeper re-schedules its threads sooner).
                    UseSlidingInvisibilityTimeout = true,
                    InvisibilityTimeout = sp.GetRequiredService<IOptions<JobsOptions>>().Value.InvisibilityTimeout,
                    DistributedLockTimeout = TimeSpan.FromSeconds(30),
                }));
        services.AddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire(config =>
        {
            config.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings();
            // Hangfire's filters are process-wide; several hosts in one process (tests) must not add it twice.
            lock (GlobalJobFilters.Filters)
            {
                if (!GlobalJobFilters.Filters.Any(f => f.Instance is TraceContextJobFilter)) config.UseFilter(TraceContextJobFilter.Instance);
            }
            // Replaces Hangfire.NetCore's provider over this host's logger factory, which would outlive the host.
            config.UseLogProvider(HangfireLogProvider.Instance);
        });
        services.AddHostedService<HangfireLogAttachment>();
        services.AddHangfireServer((sp, o) =>
        {
            o.Queues = JobQueues.All;
            o.WorkerCount = sp.GetRequiredService<IOptions<JobsOptions>>().Value.WorkerCount;
            // Retries and approval-ladder rungs are scheduled jobs: move them to their queue within a second.
            o.SchedulePollingInterval = TimeSpan.FromSeconds(1);
        });

        services.AddSingleton<HangfireThreadScheduler>();
        services.AddSingleton<IThreadScheduler, WakeupThreadScheduler>();
        services.AddSingleton<WorkScheduler>();
        services.AddSingleton<LocalRuns>();
        services.AddSingleton<LocalDeliveries>();
        services.AddSingleton<ThreadDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<ThreadDispatcher>());
        services.AddSingleton<IdleMemoryTrim>();
        services.AddHostedService(sp => sp.GetRequiredService<IdleMemoryTrim>());
        if (postgresConnectionString is null)
            services.AddSingleton<IThreadLock, InMemoryThreadLock>();
        else
        {
            services.AddSingleton(sp => new ThreadLockDataSource(
                ThreadLockDataSource.Create(postgresConnectionString, ThreadLockDataSource.SizeFor(sp.GetRequiredService<IOptions<JobsOptions>>().Value))));
            services.AddSingleton<IThreadLock>(sp => new PostgresThreadLock(sp.GetRequiredService<ThreadLockDataSource>().Source));
            services.AddHostedService<ListenConnectionCleanup>();
        }
        services.AddTransient<RunThreadJob>();
        services.AddTransient<DeliverMessagesJob>();
        services.AddTransient<ApprovalLadderJob>();
        services.AddTransient<CronLaunchJob>();
        services.AddHostedService<CronRegistrar>();
        services.AddOptions<ThreadSweeperOptions>();
        services.AddSingleton<IRunQueue>(sp => new HangfireRunQueue(sp.GetRequiredService<JobStorage>(), sp.GetService<Core.Storage.IWakeupQueue>()));
        services.AddSingleton<ThreadSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<ThreadSweeper>());
        return services;
    }
}

/// <summary>Hands Hangfire connections from the host's <see cref="NpgsqlDataSource"/> (Hangfire opens and disposes them).</summary>
internal sealed class DataSourceConnectionFactory(NpgsqlDataSource dataSource) : IConnectionFactory
{
    public NpgsqlConnection GetOrCreateConnection() => dataSource.CreateConnection();
}

/// <summary>
/// Hangfire's long polling LISTENs (one per idle worker) on clones of the host's connections (<c>CloneWith</c>), which Npgsql keeps in
/// the pool of the clone's connection string, outside the host's data source, after the workers stop. Once the host has
/// stopped, nothing of it may hold server connections: clear that one pool, built the way Hangfire builds its clone.
/// Other pools in the process (other hosts, other databases) are left alone; a host on the same connection string
/// keeps its busy LISTEN connection, which Npgsql closes when it is returned.
/// </summary>
internal sealed class ListenConnectionCleanup(IHostApplicationLifetime lifetime, NpgsqlDataSource dataSource) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopped.Register(ClearListenPool);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    internal void ClearListenPool()
    {
        using var probe = dataSource.CreateConnection();
        using var clone = probe.CloneWith(probe.ConnectionString);
        NpgsqlConnection.ClearPool(clone);
    }
}
