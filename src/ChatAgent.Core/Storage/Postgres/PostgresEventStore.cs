using System.Text.Json;
using ChatAgent.Core.Events;
using Npgsql;
using NpgsqlTypes;

namespace ChatAgent.Core.Storage.Postgres;

/// <summary>
/// The event store on PostgreSQL. An append is ONE statement (one round trip, autocommit): the
/// events insert is guarded by the primary key <c>(thread_id, seq)</c> plus a check that seq
/// <c>expectedVersion</c> exists, and the delivery key and projection rows are written only when the
/// events were. Any failure writes nothing; the error path then reads why.
/// </summary>
public sealed class PostgresEventStore(NpgsqlDataSource dataSource) : IEventStore, IStorageInitializer, IProjectionRebuilder
{
    private const string UniqueViolation = "23505";

    private const string AppendSql = """
        WITH appended AS (
            INSERT INTO events (thread_id, seq, type, data, actor, at)
            SELECT $1, $2 + u.ord, u.type, u.data, u.actor, u.at
            FROM unnest($3::text[], $4::jsonb[], $5::jsonb[], $6::timestamptz[]) WITH ORDINALITY AS u(type, data, actor, at, ord)
            WHERE $2 = 0 OR EXISTS (SELECT 1 FROM events WHERE thread_id = $1 AND seq = $2)
            RETURNING seq
        ), delivered AS (
            INSERT INTO deliveries (key, thread_id, at)
            SELECT $7, $1, $6[1] WHERE $7 IS NOT NULL AND EXISTS (SELECT 1 FROM appended)
        ), projected AS (
        """ + ThreadRows.UpsertSelectPrefix + """
             WHERE EXISTS (SELECT 1 FROM appended)
        """ + ThreadRows.OnConflict + """
        )
        SELECT count(*) FROM appended
        """;

    public Task EnsureSchemaAsync(CancellationToken cancellationToken = default) =>
        PostgresSchema.EnsureAsync(dataSource, cancellationToken);

    public async Task<IReadOnlyList<StoredEvent>> ReadAsync(string threadId, long afterSeq = 0, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT seq, data::text, actor::text, at FROM events WHERE thread_id = $1 AND seq > $2 ORDER BY seq");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = threadId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterSeq });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var events = new List<StoredEvent>();
        while (await reader.ReadAsync(cancellationToken))
            events.Add(ReadEvent(threadId, reader));
        return events;
    }

    public async Task<IReadOnlyList<StoredEvent>> AppendAsync(
        string threadId,
        long expectedVersion,
        IReadOnlyList<NewEvent> events,
        ThreadSummary summary,
        string? deliveryKey = null,
        CancellationToken cancellationToken = default)
    {
        AppendGuard.Validate(threadId, expectedVersion, events, summary);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(AppendSql, connection);
        AddAppendParameters(command.Parameters, threadId, expectedVersion, events, summary, deliveryKey);

        long appended;
        try
        {
            // The hot path: prepared once per pooled connection, it skips parse and planning on every later append.
            await command.PrepareAsync(cancellationToken);
            appended = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }
        catch (PostgresException e) when (e.SqlState == UniqueViolation)
        {
            throw await ConflictAsync(threadId, expectedVersion, deliveryKey, e, cancellationToken);
        }
        if (appended != events.Count)
            throw await ConflictAsync(threadId, expectedVersion, deliveryKey, null, cancellationToken);

        return [.. events.Select((e, i) => new StoredEvent(threadId, expectedVersion + 1 + i, e.At, e.Actor, e.Data))];
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

    public Task RebuildProjectionAsync(CancellationToken cancellationToken = default) =>
        PostgresProjectionRebuild.RunAsync(dataSource, cancellationToken);

    /// <summary>$1..$7 for the events and delivery key, then the summary's row from $8 on.</summary>
    private static void AddAppendParameters(
        NpgsqlParameterCollection p, string threadId, long expectedVersion, IReadOnlyList<NewEvent> events, ThreadSummary summary, string? deliveryKey)
    {
        p.Add(new NpgsqlParameter<string> { TypedValue = threadId });
        p.Add(new NpgsqlParameter<long> { TypedValue = expectedVersion });
        p.Add(new NpgsqlParameter<string[]> { TypedValue = [.. events.Select(e => e.Data.Type)] });
        p.Add(new NpgsqlParameter<string[]> { TypedValue = [.. events.Select(e => EventJson.Serialize(e.Data))], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        p.Add(new NpgsqlParameter<string[]> { TypedValue = [.. events.Select(e => JsonSerializer.Serialize(e.Actor, EventJson.Options))], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        p.Add(new NpgsqlParameter<DateTime[]> { TypedValue = [.. events.Select(e => e.At.UtcDateTime)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        p.Add(new NpgsqlParameter { Value = (object?)deliveryKey ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        ThreadRows.AddParameters(p, summary);
    }

    internal static StoredEvent ReadEvent(string threadId, NpgsqlDataReader reader) => new(
        threadId,
        reader.GetInt64(0),
        new DateTimeOffset(reader.GetFieldValue<DateTime>(3)),
        JsonSerializer.Deserialize<Actor>(reader.GetString(2), EventJson.Options) ?? throw new JsonException("actor JSON was null"),
        EventJson.Deserialize(reader.GetString(1)));

    /// <summary>
    /// Nothing was written; decide why. A used delivery key wins over a version conflict, because a
    /// redelivered launch may collide on both and "already handled" is the truthful answer.
    /// </summary>
    private async Task<Exception> ConflictAsync(
        string threadId, long expectedVersion, string? deliveryKey, PostgresException? cause, CancellationToken cancellationToken)
    {
        if (deliveryKey is not null)
        {
            await using var command = dataSource.CreateCommand("SELECT thread_id FROM deliveries WHERE key = $1");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = deliveryKey });
            if (await command.ExecuteScalarAsync(cancellationToken) is string existing)
                return new DuplicateDeliveryException(deliveryKey, existing);
        }
        if (cause is not null && cause.TableName is not ("events" or null))
            return cause;
        return new ConcurrencyException(threadId, expectedVersion);
    }
}
