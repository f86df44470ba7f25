using Npgsql;

namespace ChatAgent.Core.Storage.Postgres;

/// <summary>
/// The wake-up queue on PostgreSQL (<c>wakeups</c>, migration 3). Claiming is <c>DELETE … FOR UPDATE SKIP LOCKED</c> in
/// a transaction that commits only after the hand-on, so dispatchers in several processes never block each other and a
/// crash mid-hand-on rolls the claim back. Every commit that stores wake-ups notifies <see cref="Channel"/>; one
/// connection per process LISTENs on it and sets the <see cref="WakeSignal"/> this process's dispatcher waits on.
/// </summary>
/// <param name="dataSource">Where wake-ups are stored, claimed and counted: the store's pool, whose connections go back
/// without a reset (a claim leaves nothing on its session once its transaction ends).</param>
/// <param name="listenSource">Where the LISTEN connection comes from (<paramref name="dataSource"/> when null): a pool that
/// resets a connection when it goes back, so a LISTEN never outlives its holder on a pooled connection. In the load
/// driver's loop the claims on the host's pool cost a <c>DISCARD ALL</c> each, 1,600 of the 2,700 the section sent.</param>
public sealed class PostgresWakeups(NpgsqlDataSource dataSource, WakeSignal signal, NpgsqlDataSource? listenSource = null) : IWakeupQueue, IAsyncDisposable
{
    /// <summary>The notification channel; <see cref="PostgresEventStore"/>'s append statement names it too.</summary>
    public const string Channel = "chatagent_wakeups";

    private static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private Task? _listener;

    public async Task AddAsync(IReadOnlyList<ThreadWakeup> wakeups, CancellationToken cancellationToken = default)
    {
        if (wakeups.Count == 0) return;
        await using var command = dataSource.CreateCommand($"""
            WITH added AS (
                INSERT INTO wakeups (thread_id, kind, traceparent) SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) RETURNING 1
            )
            SELECT CASE WHEN $4::text IS NOT NULL THEN pg_notify('{Channel}', $4) END FROM (SELECT 1 FROM added LIMIT 1) AS any_added
            """);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. wakeups.Select(w => w.ThreadId)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. wakeups.Select(w => w.WireKind)] });
        command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = [.. wakeups.Select(w => w.TraceParent)] });
        command.Parameters.Add(NotifyParameter(signal));
        await command.ExecuteNonQueryAsync(cancellationToken);
        signal.Set();
    }

    public async Task<int> DispatchAsync(WakeupKind kind, int limit, Func<IReadOnlyList<ThreadWakeup>, CancellationToken, Task> dispatch, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        var claimed = new List<ThreadWakeup>();
        await using (var claim = new NpgsqlCommand("""
            DELETE FROM wakeups WHERE id IN (
                SELECT id FROM wakeups WHERE kind = $1 ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
            RETURNING thread_id, traceparent
            """, connection, tx))
        {
            claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ThreadWakeup.WireName(kind) });
            claim.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
            await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                claimed.Add(new ThreadWakeup(reader.GetString(0), kind, reader.IsDBNull(1) ? null : reader.GetString(1)));
        }
        if (claimed.Count > 0) await dispatch([.. claimed.DistinctBy(w => w.ThreadId, StringComparer.Ordinal)], cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return claimed.Count;
    }

    public async Task<long> CountAsync(WakeupKind kind, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM wakeups WHERE kind = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ThreadWakeup.WireName(kind) });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        lock (_gate) _listener ??= Task.Run(() => ListenAsync(_stop.Token));
        return signal.WaitAsync(timeout, cancellationToken);
    }

    /// <summary>
    /// A listener's mark, visible to every process on the database: a shared session advisory lock on this pair of keys
    /// ("chat", "list"; the two-key form, which no thread lock uses), held by the LISTEN connection (released with it, or by
    /// the reset of the pool it goes back to). <c>pg_locks</c> shows it to any role, whatever the connection last ran.
    /// </summary>
    public const int ListenerKey1 = 0x63686174, ListenerKey2 = 0x6c697374;

    /// <summary>
    /// The payload of the notification a commit that stores wake-ups sends, for a statement that notifies only when it
    /// is not null: <paramref name="signal"/>'s name while another process may listen, null while none does, and an
    /// anonymous one for a writer without a signal (it always notifies).
    /// </summary>
    internal static NpgsqlParameter NotifyParameter(WakeSignal? signal) =>
        new() { Value = signal is null ? "" : (object?)signal.NotifyAs ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text };

    /// <summary>How often the listener counts the other listeners (<see cref="WakeSignal.OthersListen"/>).</summary>
    internal static readonly TimeSpan ListenersRecount = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Holds one connection in LISTEN until disposed. After every (re)connect the signal is set once: notifications sent
    /// while nobody listened are lost, so the dispatcher looks at the table instead. Between notifications it counts
    /// the other processes' listeners about once a second: with none, this process's commits skip the notification
    /// (<see cref="WakeSignal.OthersListen"/>), and its own dispatcher is woken by the commit itself. A process that
    /// starts listening meanwhile is counted within the second; until then its dispatcher's poll and its first look
    /// after LISTEN cover it. Whenever the count is not current (before the first, after a lost connection) commits notify.
    /// </summary>
    private async Task ListenAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = await (listenSource ?? dataSource).OpenConnectionAsync(stop);
                // Its own process's commits set the signal already (WakeSignal.Origin); every other one's is news.
                connection.Notification += (_, e) =>
                {
                    if (!string.Equals(e.Payload, signal.Origin, StringComparison.Ordinal)) signal.Set();
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}; SELECT pg_advisory_lock_shared({ListenerKey1}, {ListenerKey2})", connection))
                    await listen.ExecuteNonQueryAsync(stop);
                signal.Set();
                await using var others = new NpgsqlCommand($"""
                    SELECT count(*) FROM pg_locks
                    WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()
                      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                      AND classid = {ListenerKey1} AND objid = {ListenerKey2} AND objsubid = 2
                    """, connection);
                try
                {
                    while (true)
                    {
                        signal.OthersListen = (long)(await others.ExecuteScalarAsync(stop))! > 0;
                        // Npgsql waits for good on a timeout of 0 ms: never hand it less than 1.
                        var until = DateTime.UtcNow + ListenersRecount;
                        for (var left = ListenersRecount; left > TimeSpan.Zero; left = until - DateTime.UtcNow)
                            await connection.WaitAsync(Math.Max(1, (int)Math.Ceiling(left.TotalMilliseconds)), stop);
                    }
                }
                finally
                {
                    await UnmarkAsync(connection);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                signal.OthersListen = true;
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                // The database is away: the dispatcher's poll covers the gap; try again shortly. Until this process
                // counts again, its commits notify.
                signal.OthersListen = true;
                signal.Set();
                try
                {
                    await Task.Delay(Reconnect, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Stopping: the listener's mark goes with it rather than with the pool's next reset of its connection.</summary>
    private static async Task UnmarkAsync(NpgsqlConnection connection)
    {
        if (connection.State != System.Data.ConnectionState.Open) return;
        try
        {
            await using var unmark = new NpgsqlCommand($"UNLISTEN {Channel}; SELECT pg_advisory_unlock_shared({ListenerKey1}, {ListenerKey2})", connection)
            {
                CommandTimeout = 5, // a server that does not answer must not hold up the shutdown
            };
            await unmark.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            // The connection broke: PostgreSQL dropped the mark with it.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        Task? listener;
        lock (_gate) listener = _listener;
        if (listener is not null) await listener;
        _stop.Dispose();
    }
}
