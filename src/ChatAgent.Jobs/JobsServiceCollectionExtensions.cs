using ChatAgent.Core.Runtime;
using ChatAgent.Jobs.Cron;
using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace ChatAgent.Jobs;

public static class JobsServiceCollectionExtensions
{
    /// <summary>
    /// Hangfire on PostgreSQL when <paramref name="postgresConnectionString"/> is set, else Hangfire.InMemory (the
    /// embedded default). PostgreSQL is tuned for latency: LISTEN/NOTIFY long polling so a click does not wait for a
    /// queue poll, and a sliding invisibility timeout so a long run is not picked up twice.
    /// </summary>
    /// <param name="invisibilityTimeout">How long a claimed job stays hidden from other workers without a heartbeat
    /// (default 2 minutes); a live worker keeps extending it, so it only bounds how soon a dead process's jobs return.</param>
    public static IServiceCollection AddChatAgentJobs(this IServiceCollection services, string? postgresConnectionString, int? workerCount = null, TimeSpan? invisibilityTimeout = null)
    {
        services.AddHangfire((sp, config) =>
        {
            config.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings();
            // Hangfire's filters are process-wide; several hosts in one process (tests) must not add it twice.
            lock (GlobalJobFilters.Filters)
            {
                if (!GlobalJobFilters.Filters.Any(f => f.Instance is TraceContextJobFilter)) config.UseFilter(TraceContextJobFilter.Instance);
            }
            if (postgresConnectionString is null)
            {
                config.UseInMemoryStorage();
            }
            else
            {
                config.UsePostgreSqlStorage(
                    // Hangfire borrows the host's one NpgsqlDataSource: one pool to size and monitor, closed with the host.
                    o => o.UseConnectionFactory(new DataSourceConnectionFactory(sp.GetRequiredService<NpgsqlDataSource>())),
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
                        InvisibilityTimeout = invisibilityTimeout ?? TimeSpan.FromMinutes(2),
                        DistributedLockTimeout = TimeSpan.FromSeconds(30),
                    });
            }
        });
        services.AddHangfireServer(o =>
        {
            o.Queues = JobQueues.All;
            o.WorkerCount = workerCount ?? Math.Max(8, Environment.ProcessorCount * 4);
            // Retries and approval-ladder rungs are scheduled jobs: move them to their queue within a second.
            o.SchedulePollingInterval = TimeSpan.FromSeconds(1);
        });

        services.AddSingleton<IThreadScheduler, HangfireThreadScheduler>();
        if (postgresConnectionString is null)
            services.AddSingleton<IThreadLock, InMemoryThreadLock>();
        else
        {
            services.AddSingleton<IThreadLock>(sp => new PostgresThreadLock(sp.GetRequiredService<NpgsqlDataSource>()));
            services.AddHostedService<NpgsqlPoolsCleanup>();
        }
        services.AddTransient<RunThreadJob>();
        services.AddTransient<DeliverMessagesJob>();
        services.AddTransient<ApprovalLadderJob>();
        services.AddTransient<CronLaunchJob>();
        services.AddHostedService<CronRegistrar>();
        services.AddOptions<ThreadSweeperOptions>();
        services.AddSingleton<IRunQueue, HangfireRunQueue>();
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
/// Hangfire's long polling LISTENs on connections cloned outside the host's data source, which Npgsql keeps in its
/// process-wide pool after the workers stop. Once the host has stopped, nothing may hold server connections: clear them.
/// </summary>
internal sealed class NpgsqlPoolsCleanup(IHostApplicationLifetime lifetime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopped.Register(NpgsqlConnection.ClearAllPools);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
