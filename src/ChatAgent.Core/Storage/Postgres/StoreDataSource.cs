using Npgsql;

namespace ChatAgent.Core.Storage.Postgres;

/// <summary>
/// The storage classes' own connection pool, beside the host's <see cref="NpgsqlDataSource"/>. Nothing they run leaves
/// state on a session (their locks are transaction-scoped, they never LISTEN, SET or create temporary tables), so a
/// connection going back to this pool is not reset (<c>No Reset On Close</c>): Npgsql's reset cost every append a round
/// trip (docs/PERFORMANCE.md, "The append's parts"). The wake-up LISTEN and Hangfire stay on the host's pool, which
/// resets on return, so a LISTEN never outlives its holder on a pooled connection; the thread locks' session advisory
/// locks have a pool of their own (ChatAgent.Jobs' <c>ThreadLockDataSource</c>), whose holders release them before the
/// connection goes back. Disposed with the container.
/// </summary>
public sealed class StoreDataSource(NpgsqlDataSource source) : IAsyncDisposable, IDisposable
{
    /// <summary>The smallest store pool, whatever the host's bound.</summary>
    public const int MinPoolSize = 4;

    /// <summary>
    /// How many statements each store connection keeps prepared, unless the connection string says (<c>Max Auto Prepare</c>;
    /// 0 turns it off, for a pooler that cannot carry prepared statements). The store sends a handful of statements
    /// thousands of times; those not prepared explicitly (reads, wake-up claims, chain-head look-ups) PostgreSQL parsed
    /// and planned every time, about 14 % of its CPU in the load driver's loop (docs/PERFORMANCE.md, "What changed on
    /// 2026-12-08").
    /// </summary>
    public const int MaxAutoPrepare = 32;

    public NpgsqlDataSource Source { get; } = source;

    /// <summary>
    /// A store pool for <paramref name="connectionString"/>: half its <c>Maximum Pool Size</c> (at least
    /// <see cref="MinPoolSize"/>), without the reset on return, preparing its statements (<see cref="MaxAutoPrepare"/>),
    /// named "… store" in <c>pg_stat_activity</c>.
    /// </summary>
    public static NpgsqlDataSource Create(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true };
        builder.MaxPoolSize = Math.Max(MinPoolSize, builder.MaxPoolSize / 2);
        if (builder.MinPoolSize > builder.MaxPoolSize) builder.MinPoolSize = builder.MaxPoolSize;
        builder.ApplicationName = (builder.ApplicationName ?? "chatagent") + " store";
        if (!ConnectionStrings.Names(connectionString, "Max Auto Prepare")) builder.MaxAutoPrepare = MaxAutoPrepare;
        return NpgsqlDataSource.Create(builder.ConnectionString);
    }

    public ValueTask DisposeAsync() => Source.DisposeAsync();

    public void Dispose() => Source.Dispose();
}
