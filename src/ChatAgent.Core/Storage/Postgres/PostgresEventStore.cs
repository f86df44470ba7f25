using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using ChatAgent.Core.Audit;
using ChatAgent.Core.Events;
using Npgsql;
using NpgsqlTypes;

namespace ChatAgent.Core.Storage.Postgres;

/// <summary>
/// The event store on PostgreSQL. An append is ONE statement (one round trip, autocommit): the
/// events insert is guarded by the primary key <c>(thread_id, seq)</c> plus a check that seq
/// <c>expectedVersion</c> exists, and the delivery key and projection rows are written only when the
/// events were. Any failure writes nothing; the error path then reads why.
/// Every row is sealed into its thread's hash chain (<see cref="AuditHash"/>); the predecessor's hash comes from
/// the head seen by the last read or append of the thread (so the usual append stays one round trip), else from
/// one read, and the insert re-checks it against the row at <c>expectedVersion</c>. The same statement links the Slack
/// places the events name to the thread in <c>conversations</c> (<see cref="Chat.ConversationProjection.LinkOf"/>).
/// Wake-ups go in with the events (same statement, so same commit) and notify <see cref="PostgresWakeups.Channel"/>,
/// which PostgreSQL delivers at the commit.
/// </summary>
public sealed class PostgresEventStore(NpgsqlDataSource dataSource, AuditKey? auditKey = null, WakeSignal? signal = null) : IEventStore, IStorageInitializer, IProjectionRebuilder, Grants.IGrantIndex
{
    private const string UniqueViolation = "23505";
    private const int MaxCachedHeads = 10_000;

    /// <summary>Thread -> (seq, hash) of a row known to exist. Rows never change, so an entry is right for its seq forever.</summary>
    private readonly ConcurrentDictionary<string, (long Seq, string? Hash)> _heads = new(StringComparer.Ordinal);

    /// <summary>The events' rows, written only when the chain's head is the row the append expects (internal: the load driver times it alone).</summary>
    internal const string InsertEventsSql = """
            INSERT INTO events (thread_id, seq, type, data, actor, at, prev_hash, hash)
            SELECT $1, $2 + u.ord, u.type, u.data, u.actor, u.at, u.prev_hash, u.hash
            FROM unnest($3::text[], $4::jsonb[], $5::jsonb[], $6::timestamptz[], $21::text[], $22::text[])
                WITH ORDINALITY AS u(type, data, actor, at, prev_hash, hash, ord)
            WHERE $2 = 0 OR EXISTS (SELECT 1 FROM events WHERE thread_id = $1 AND seq = $2 AND hash IS NOT DISTINCT FROM $21[1])
            RETURNING seq, data
        """;

    /// <summary>
    /// The one-event form of <see cref="InsertEventsSql"/>: $3..$6, $21 and $22 are the event's own values, so nothing is
    /// decoded from arrays or unnested (most appends are a step's one event or a receipt).
    /// </summary>
    internal const string InsertEventSql = """
            INSERT INTO events (thread_id, seq, type, data, actor, at, prev_hash, hash)
            SELECT $1, $2 + 1, $3, $4, $5, $6, $21, $22
            WHERE $2 = 0 OR EXISTS (SELECT 1 FROM events WHERE thread_id = $1 AND seq = $2 AND hash IS NOT DISTINCT FROM $21)
            RETURNING seq, data
        """;

    /// <summary>The delivery key's row, when the append carries one ({0}: the first event's time).</summary>
    private const string DeliveredCte = """
        , delivered AS (
            INSERT INTO deliveries (key, thread_id, at)
            SELECT $7, $1, {0} WHERE EXISTS (SELECT 1 FROM appended)
        )
        """;

    /// <summary>
    /// The wake-ups, when the append asks for any; PostgreSQL delivers the notification at the commit, named with this
    /// process's <see cref="WakeSignal.Origin"/> ($29), whose listener skips it (the append sets the signal itself).
    /// With $29 null (no other process listens: <see cref="WakeSignal.OthersListen"/>) nothing is notified.
    /// </summary>
    private const string WokenCte = $"""
        , woken AS (
            INSERT INTO wakeups (thread_id, kind, traceparent)
            SELECT w.thread_id, w.kind, w.traceparent FROM unnest($26::text[], $27::text[], $28::text[]) AS w(thread_id, kind, traceparent)
            WHERE EXISTS (SELECT 1 FROM appended)
            RETURNING CASE WHEN $29::text IS NOT NULL THEN pg_notify('{PostgresWakeups.Channel}', $29) END
        )
        """;

    /// <summary>The thread-list row: every append writes it.</summary>
    private const string ProjectedCte = """
        , projected AS (
        """ + ThreadRows.UpsertSelectPrefix + """
             WHERE EXISTS (SELECT 1 FROM appended)
        """ + ThreadRows.OnConflict + """
        )
        """;

    /// <summary>The Slack places the events name, when they name any.</summary>
    private const string LinkedCte = """
        , linked AS (
        """ + ConversationRows.LinkSelect + """
             WHERE EXISTS (SELECT 1 FROM appended)
        """ + ConversationRows.OnConflictLink + """
        )
        """;

    /// <summary>
    /// An append that creates or revokes a grant also writes the grants projection in the same statement. The parts of
    /// one statement do not see each other's rows, so a grant created and revoked by the same append is inserted already
    /// revoked (by the first revocation after it), as the rebuild and the in-memory store have it.
    /// </summary>
    private const string GrantsCtes = """
        , granted AS (
            INSERT INTO grants (id, thread_id, tool, data, granted_by, created_at, expires_at, revoked_by, revoked_at)
            SELECT g.data->>'grantId', $1, g.data->>'tool', g.data, g.actor, g.at, (g.data->>'expiresAt')::timestamptz, r.actor, r.at
            FROM unnest($3::text[], $4::jsonb[], $5::jsonb[], $6::timestamptz[]) WITH ORDINALITY AS g(type, data, actor, at, n)
            LEFT JOIN LATERAL (
                SELECT x.actor, x.at
                FROM unnest($3::text[], $4::jsonb[], $5::jsonb[], $6::timestamptz[]) WITH ORDINALITY AS x(type, data, actor, at, n)
                WHERE x.type = 'grant_revoked' AND x.data->>'grantId' = g.data->>'grantId' AND x.n > g.n
                ORDER BY x.n LIMIT 1
            ) r ON true
            WHERE g.type = 'grant_created' AND EXISTS (SELECT 1 FROM appended)
            ON CONFLICT (id) DO NOTHING
        ), revoked AS (
            UPDATE grants SET revoked_by = r.actor, revoked_at = r.at
            FROM unnest($3::text[], $4::jsonb[], $5::jsonb[], $6::timestamptz[]) AS r(type, data, actor, at)
            WHERE r.type = 'grant_revoked' AND grants.id = r.data->>'grantId' AND grants.thread_id = $1
              AND grants.revoked_at IS NULL AND EXISTS (SELECT 1 FROM appended)
        )
        """;

    private const int WithDelivery = 1, WithWakeups = 2, WithLinks = 4, WithGrants = 8, OneRow = 16;

    /// <summary>
    /// The append statement for each combination of the optional parts (delivery key, wake-ups, links, grants) and of one
    /// event or several, indexed by <see cref="AppendShape"/>. An append carries only the parts it writes: every table a
    /// statement names is locked and its indexes opened at each execution even when nothing is written to it, and a
    /// step's usual append (events and the thread-list row) touches 9 relations (two tables and their indexes) instead of
    /// 17 (docs/PERFORMANCE.md, "The append's parts"). The grants' parts read the events as arrays, so an append with a
    /// grant event always takes the arrays' form (null: the one-row form with grants, never used).
    /// </summary>
    private static readonly string?[] AppendSqls = [.. Enumerable.Range(0, 32).Select(shape => (shape & (OneRow | WithGrants)) == (OneRow | WithGrants) ? null :
        "WITH appended AS (" + ((shape & OneRow) != 0 ? InsertEventSql : InsertEventsSql) + ")"
        + ((shape & WithDelivery) != 0 ? string.Format(CultureInfo.InvariantCulture, DeliveredCte, (shape & OneRow) != 0 ? "$6" : "$6[1]") : "")
        + ((shape & WithWakeups) != 0 ? WokenCte : "")
        + ProjectedCte
        + ((shape & WithLinks) != 0 ? LinkedCte : "")
        + ((shape & WithGrants) != 0 ? GrantsCtes : "")
        + " SELECT seq, data::text FROM appended ORDER BY seq")];

    private static int AppendShape(bool oneRow, bool delivery, bool wakeups, bool links, bool grants) =>
        (oneRow ? OneRow : 0) | (delivery ? WithDelivery : 0) | (wakeups ? WithWakeups : 0) | (links ? WithLinks : 0) | (grants ? WithGrants : 0);

    private const string GrantColumns = "data::text, thread_id, granted_by::text, created_at, revoked_by::text, revoked_at";

    /// <summary>Migrates, then records as events the conversation references a migration carried over without any.</summary>
    public async Task EnsureSchemaAsync(CancellationToken cancellationToken = default)
    {
        await PostgresSchema.EnsureAsync(dataSource, cancellationToken);
        await new PostgresConversations(dataSource, auditKey).AdoptCarriedOverAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<StoredEvent>> ReadAsync(string threadId, long afterSeq = 0, CancellationToken cancellationToken = default)
    {
        try
        {
            return await ReadCoreAsync(threadId, afterSeq, cancellationToken);
        }
        catch (NpgsqlException e) when (PostgresErrors.IsUnavailable(e))
        {
            throw new StoreUnavailableException($"Reading thread {threadId}: the database is unavailable ({e.Message})", e);
        }
    }

    private async Task<IReadOnlyList<StoredEvent>> ReadCoreAsync(string threadId, long afterSeq, CancellationToken cancellationToken)
    {
        // A conversation's stream shares the table but is no thread: asked for by a thread id, it is unknown.
        if (threadId.StartsWith(Chat.ConversationProjection.StreamPrefix, StringComparison.Ordinal)) return [];
        await using var command = dataSource.CreateCommand(
            "SELECT seq, data::text, actor::text, at, hash FROM events WHERE thread_id = $1 AND seq > $2 ORDER BY seq");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = threadId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterSeq });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var events = new List<StoredEvent>();
        string? head = null;
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(ReadEvent(threadId, reader));
            head = reader.IsDBNull(4) ? null : reader.GetString(4);
        }
        if (events.Count > 0) RememberHead(threadId, events[^1].Seq, head);
        return events;
    }

    public async Task<IReadOnlyList<StoredEvent>> AppendAsync(
        string threadId,
        long expectedVersion,
        IReadOnlyList<NewEvent> events,
        ThreadSummary summary,
        string? deliveryKey = null,
        IReadOnlyList<ThreadWakeup>? wakeups = null,
        CancellationToken cancellationToken = default)
    {
        AppendGuard.Validate(threadId, expectedVersion, events, summary);
        try
        {
            var stored = await AppendCoreAsync(threadId, expectedVersion, events, summary, deliveryKey, wakeups ?? [], cancellationToken);
            // This process's dispatcher need not wait for the notification's round trip.
            if (wakeups is { Count: > 0 }) signal?.Set();
            return stored;
        }
        catch (NpgsqlException e) when (PostgresErrors.IsUnavailable(e))
        {
            // The connection may have dropped after the commit: the hash chain's cached head is no longer known.
            _heads.TryRemove(threadId, out _);
            throw new StoreUnavailableException($"Appending to thread {threadId}: the database is unavailable ({e.Message})", e);
        }
    }

    private async Task<IReadOnlyList<StoredEvent>> AppendCoreAsync(
        string threadId, long expectedVersion, IReadOnlyList<NewEvent> events, ThreadSummary summary, string? deliveryKey,
        IReadOnlyList<ThreadWakeup> wakeups, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var previous = await PreviousHashAsync(connection, threadId, expectedVersion, cancellationToken);
        await using var command = new NpgsqlCommand { Connection = connection };
        var grants = events.Any(e => e.Data is GrantCreated or GrantRevoked);
        var oneRow = events.Count == 1 && !grants;
        var (hashes, links) = EventRows.AddAppendParameters(command.Parameters, threadId, expectedVersion, events, summary, deliveryKey, previous, auditKey?.Value, oneRow);
        command.CommandText = AppendSqls[AppendShape(oneRow, deliveryKey is not null, wakeups.Count > 0, links > 0, grants)]!;
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. wakeups.Select(w => w.ThreadId)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. wakeups.Select(w => w.WireKind)] });
        command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = [.. wakeups.Select(w => w.TraceParent)] });
        command.Parameters.Add(PostgresWakeups.NotifyParameter(signal));

        var stored = new List<StoredEvent>(events.Count);
        try
        {
            // The hot path: each shape is prepared once per pooled connection, and skips parse and planning on every later append.
            await command.PrepareAsync(cancellationToken);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            // The rows as stored: jsonb keeps an object's keys in its own order, and a reader of these events (the loop's
            // cache above all) must see the same bytes as a later read of the thread would.
            while (await reader.ReadAsync(cancellationToken))
            {
                var e = events[stored.Count];
                stored.Add(new StoredEvent(threadId, reader.GetInt64(0), AuditHash.Truncate(e.At), e.Actor, EventJson.Deserialize(reader.GetString(1))));
            }
        }
        catch (PostgresException e) when (e.SqlState == UniqueViolation)
        {
            _heads.TryRemove(threadId, out _);
            throw await ConflictAsync(connection, threadId, expectedVersion, deliveryKey, e, cancellationToken);
        }
        if (stored.Count != events.Count)
        {
            _heads.TryRemove(threadId, out _);
            throw await ConflictAsync(connection, threadId, expectedVersion, deliveryKey, null, cancellationToken);
        }
        RememberHead(threadId, expectedVersion + events.Count, hashes[^1]);
        return stored;
    }

    public async Task<IReadOnlyList<ThreadSummary>> ListAsync(ThreadQuery query, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {ThreadRows.Columns} FROM threads
            WHERE ($1::text IS NULL OR status = $1)
              AND ($2::text IS NULL OR agent = $2)
              AND ($3::text IS NULL OR id = (SELECT thread_id FROM deliveries WHERE key = $3))
              AND ($5::timestamptz IS NULL OR updated_at < $5)
              AND ($6::text IS NULL OR platform = $6)
              AND (NOT $7 OR undelivered_messages > 0)
            ORDER BY updated_at DESC, id COLLATE "C" DESC
            LIMIT $4
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)query.Status ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)query.Agent ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)query.DeliveryKey ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Max(0, query.Limit) });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)query.UpdatedBefore?.UtcDateTime ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)query.Platform ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = query.UndeliveredOnly });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var result = new List<ThreadSummary>();
        while (await reader.ReadAsync(cancellationToken)) result.Add(ThreadRows.Read(reader));
        return result;
    }

    public async Task<Grants.Grant?> FindGrantAsync(string grantId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT {GrantColumns} FROM grants WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grantId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadGrant(reader) : null;
    }

    public async Task<IReadOnlyList<Grants.Grant>> ListGrantsAsync(string? tool = null, DateTimeOffset? liveAt = null, int limit = 200, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {GrantColumns} FROM grants
            WHERE ($1::text IS NULL OR tool = $1) AND ($2::timestamptz IS NULL OR (revoked_at IS NULL AND expires_at > $2))
            ORDER BY created_at DESC, id COLLATE "C"
            LIMIT $3
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)tool ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)liveAt?.UtcDateTime ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Max(0, limit) });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<Grants.Grant>();
        while (await reader.ReadAsync(cancellationToken)) list.Add(ReadGrant(reader));
        return list;
    }

    /// <summary>A grants row (<see cref="GrantColumns"/>): its creating event's fields, who granted, and the revocation if any.</summary>
    private static Grants.Grant ReadGrant(NpgsqlDataReader reader)
    {
        var created = (GrantCreated)EventJson.Deserialize(reader.GetString(0));
        var by = JsonSerializer.Deserialize<Actor>(reader.GetString(2), EventJson.Options)!;
        var at = new DateTimeOffset(reader.GetFieldValue<DateTime>(3));
        var grant = Grants.Grant.Apply(null, reader.GetString(1), new StoredEvent(reader.GetString(1), 0, at, by, created))!;
        return reader.IsDBNull(5) ? grant : grant with
        {
            RevokedBy = JsonSerializer.Deserialize<Actor>(reader.GetString(4), EventJson.Options),
            RevokedAt = new DateTimeOffset(reader.GetFieldValue<DateTime>(5)),
        };
    }

    public Task<IReadOnlyList<RebuiltProjection>> RebuildProjectionAsync(CancellationToken cancellationToken = default) =>
        PostgresProjectionRebuild.RunAsync(dataSource, cancellationToken);

    /// <summary>The seal of the row at <paramref name="expectedVersion"/>: from the head cache, else one read (null when absent or unsealed).</summary>
    private async Task<string?> PreviousHashAsync(NpgsqlConnection connection, string threadId, long expectedVersion, CancellationToken ct)
    {
        if (expectedVersion == 0) return null;
        if (_heads.TryGetValue(threadId, out var head) && head.Seq == expectedVersion) return head.Hash;
        await using var command = new NpgsqlCommand("SELECT hash FROM events WHERE thread_id = $1 AND seq = $2", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = threadId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = expectedVersion });
        return await command.ExecuteScalarAsync(ct) as string;
    }

    private void RememberHead(string threadId, long seq, string? hash)
    {
        if (_heads.Count >= MaxCachedHeads) _heads.Clear();
        _heads[threadId] = (seq, hash);
    }

    internal static StoredEvent ReadEvent(string threadId, NpgsqlDataReader reader) => new(
        threadId,
        reader.GetInt64(0),
        new DateTimeOffset(reader.GetFieldValue<DateTime>(3)),
        JsonSerializer.Deserialize<Actor>(reader.GetString(2), EventJson.Options) ?? throw new JsonException("actor JSON was null"),
        EventJson.Deserialize(reader.GetString(1)));

    /// <summary>
    /// Nothing was written; decide why. A used delivery key wins over a version conflict, because a
    /// redelivered launch may collide on both and "already handled" is the truthful answer. Asked on the append's own
    /// connection: a second one from the pool while holding the first would, with as many duplicates at once as the pool
    /// has connections, wait for the pool's whole timeout (concurrent webhook replays did: <c>WebhookReplayTests</c>).
    /// </summary>
    private static async Task<Exception> ConflictAsync(
        NpgsqlConnection connection, string threadId, long expectedVersion, string? deliveryKey, PostgresException? cause, CancellationToken cancellationToken)
    {
        if (deliveryKey is not null)
        {
            await using var command = new NpgsqlCommand("SELECT thread_id FROM deliveries WHERE key = $1", connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = deliveryKey });
            if (await command.ExecuteScalarAsync(cancellationToken) is string existing)
                return new DuplicateDeliveryException(deliveryKey, existing);
        }
        if (cause is not null && cause.TableName is not ("events" or null))
            return cause;
        return new ConcurrencyException(threadId, expectedVersion);
    }
}
