using Npgsql;

namespace ChatAgent.Jobs;

/// <summary>
/// The thread locks' own connection pool. A thread lock is a session advisory lock held on its connection for the whole
/// run or delivery, and its holder needs more connections while it holds it (its wake-ups, Hangfire's enqueues). On the
/// host's pool, holders and what they wait for competed for the same connections: in the load driver's loop, with runs,
/// deliveries and Hangfire workers all holding locks, the host's 40 were exhausted for Npgsql's whole 15 s timeout,
/// runs failed over to Hangfire and the loop fell from ~750 to ~90 steps/s (docs/PERFORMANCE.md, 2026-12-07). Here a
/// lock never waits for a connection that a lock holder is using, and the host's pool serves only short work. Sized to
/// the most locks this process can hold at once (<see cref="SizeFor"/>). A connection goes back without Npgsql's reset
/// (<c>DISCARD ALL</c>, 1,000 of them in the load driver's loop, one per run): the lock is the only state its session
/// carries, and <see cref="PostgresThreadLock"/> releases it before the connection goes back, or clears the pool when
/// it cannot know (a failed unlock, a lock call cut short), so a lock never outlives its holder. Disposed with the container.
/// </summary>
public sealed class ThreadLockDataSource(NpgsqlDataSource source) : IAsyncDisposable, IDisposable
{
    /// <summary>Locks held besides the workers' (the sweeper's own delivery, a run handing on while another starts).</summary>
    public const int Spare = 2;

    public NpgsqlDataSource Source { get; } = source;

    /// <summary>
    /// One connection per lock this process can hold at once: each run worker holds the thread's, each delivery worker
    /// the outbox's, each Hangfire worker one (a retried run or delivery), plus <see cref="Spare"/>.
    /// </summary>
    public static int SizeFor(JobsOptions options) => options.RunWorkers + options.DeliveryWorkers + options.WorkerCount + Spare;

    /// <summary>A pool for <paramref name="connectionString"/> of exactly <paramref name="size"/> connections, named in <c>pg_stat_activity</c>.</summary>
    public static NpgsqlDataSource Create(string connectionString, int size)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = size, NoResetOnClose = true };
        if (builder.MinPoolSize > size) builder.MinPoolSize = size;
        builder.ApplicationName = (builder.ApplicationName ?? "chatagent") + " thread locks";
        return NpgsqlDataSource.Create(builder.ConnectionString);
    }

    public ValueTask DisposeAsync() => Source.DisposeAsync();

    public void Dispose() => Source.Dispose();
}
