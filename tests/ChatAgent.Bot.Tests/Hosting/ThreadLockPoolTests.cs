using ChatAgent.Bot.Tests.Support;
using ChatAgent.Jobs;
using ChatAgent.TestHost;
using Microsoft.Extensions.Options;

namespace ChatAgent.Bot.Tests.Hosting;

/// <summary>
/// A lock holder needs connections while it holds its lock (wake-ups, Hangfire), so the locks must never take the
/// connections everything else needs: with every worker of the process holding a thread lock, more locks than the
/// host's pool has connections, a launched deploy still runs to its end.
/// </summary>
public sealed class ThreadLockPoolTests
{
    [Fact]
    public async Task EveryWorkerHoldingALock_MoreThanTheHostsPool_AThreadStillRunsToItsEnd()
    {
        // The test host's pool has 12 connections; its workers can hold 8 (runs) + 4 (deliveries) + 4 (Hangfire) = 16 locks.
        await using var host = await BotHost.StartAsync(postgres: true);
        var options = host.Get<IOptions<JobsOptions>>().Value;
        var holders = options.RunWorkers + options.DeliveryWorkers + options.WorkerCount;
        Assert.Equal(16, holders);

        var locks = host.Get<IThreadLock>();
        var held = new List<IAsyncDisposable>();
        try
        {
            using (var acquiring = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
                for (var i = 0; i < holders; i++)
                    held.Add(await locks.TryAcquireAsync($"th_held{i}", acquiring.Token) ?? throw new InvalidOperationException($"lock {i} was taken"));

            // Operators can tell the pools apart in pg_stat_activity.
            Assert.Equal(holders, await Sql.ScalarAsync<long>(host.ConnectionString!, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'chatagent thread locks'"));

            var id = await host.LaunchAsync("deploy", "api");
            await host.WaitForStatusAsync(id, "completed");
            // The deploy's scripts ran: the release is in the log.
            Assert.Contains(await File.ReadAllLinesAsync(Path.Combine(host.DataDir, "releases.log")), line => line.Contains("api", StringComparison.Ordinal));
        }
        finally
        {
            foreach (var handle in held) await handle.DisposeAsync();
        }
    }

    [Fact]
    public async Task ALockReleased_ItsConnectionStaysPooled_WithNoLockLeftOnIt()
    {
        // The lock pool skips Npgsql's reset on return: the release itself must drop the lock, or the thread could not run
        // anywhere while that connection idled in the pool.
        await using var host = await BotHost.StartAsync(postgres: true);
        var locks = host.Get<IThreadLock>();
        // Locks on one 64-bit key, as the thread locks take them (the dispatcher's listener holds a two-key mark beside them).
        const string Advisory = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())";
        const string LockConnections = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'chatagent thread locks'";

        for (var round = 0; round < 3; round++)
        {
            var handle = await locks.TryAcquireAsync("th_pooled", CancellationToken.None) ?? throw new InvalidOperationException("the lock was taken");
            Assert.Equal(1, await Sql.ScalarAsync<long>(host.ConnectionString!, Advisory));
            Assert.Null(await locks.TryAcquireAsync("th_pooled", CancellationToken.None));
            await handle.DisposeAsync();

            Assert.Equal(0, await Sql.ScalarAsync<long>(host.ConnectionString!, Advisory));
            // The connection went back to the pool, open: what the reset used to clean is now the release's to do.
            Assert.True(await Sql.ScalarAsync<long>(host.ConnectionString!, LockConnections) >= 1);
        }
    }
}
