using System.Text.Json;
using ChatAgent.Core.Audit;
using ChatAgent.Core.Chat;
using ChatAgent.Core.Events;
using Npgsql;
using NpgsqlTypes;

namespace ChatAgent.Core.Storage.Postgres;

/// <summary>
/// Conversations on PostgreSQL. An install or removal is one event appended to the conversation's stream in the
/// <c>events</c> table (sealed into its hash chain like a thread's), at the version last read, with its
/// <c>conversations</c> row written by the same statement; the thread links in that table come from
/// <see cref="PostgresEventStore"/>'s appends.
/// </summary>
public sealed class PostgresConversations(NpgsqlDataSource dataSource, AuditKey? auditKey = null) : IConversationIndex, IConversationReferences
{
    private const string UniqueViolation = "23505";
    private const int Attempts = 5;

    private static readonly string AppendSql = """
        WITH appended AS (
            INSERT INTO events (thread_id, seq, type, data, actor, at, prev_hash, hash)
            SELECT $1, $2 + 1, $3, $4::jsonb, $5::jsonb, $6, $7, $8
            WHERE $2 = 0 OR EXISTS (SELECT 1 FROM events WHERE thread_id = $1 AND seq = $2 AND hash IS NOT DISTINCT FROM $7)
            RETURNING seq
        ), projected AS (
            INSERT INTO conversations (
        """ + ConversationRows.Columns + """
            ) SELECT $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19 WHERE EXISTS (SELECT 1 FROM appended)
        """ + ConversationRows.OnConflictFromStream + """
        )
        SELECT count(*) FROM appended
        """;

    private static readonly string ReadSql = $"""
        SELECT h.seq, h.hash, {string.Join(", ", ConversationRows.Columns.Split(", ").Select(c => "c." + c))}
        FROM (SELECT 1) AS one
        LEFT JOIN LATERAL (SELECT seq, hash FROM events WHERE thread_id = $3 ORDER BY seq DESC LIMIT 1) AS h ON true
        LEFT JOIN conversations AS c ON c.platform = $1 AND c.conversation_id = $2
        """;

    public async Task<string?> FindThreadAsync(string platform, string conversationId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT thread_id FROM conversations WHERE platform = $1 AND conversation_id = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = platform });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = conversationId });
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public Task SaveAsync(ConversationReference reference, Actor by, CancellationToken cancellationToken = default) =>
        AppendAsync(ConversationProjection.Installed(reference), by, reference.UpdatedAt, static (_, _) => true, cancellationToken);

    public Task RemoveAsync(string platform, string conversationId, Actor by, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        AppendAsync(new ConversationRemoved(platform, conversationId), by, at, static (_, row) => row is { Installed: true }, cancellationToken);

    public async Task<ConversationReference?> FindAsync(string platform, string conversationId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT {ConversationRows.Columns} FROM conversations WHERE platform = $1 AND conversation_id = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = platform });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = conversationId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ConversationRows.Read(reader).Reference : null;
    }

    public async Task<IReadOnlyList<ConversationReference>> ListAsync(string platform, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {ConversationRows.Columns} FROM conversations WHERE platform = $1 AND installed ORDER BY updated_at DESC, conversation_id COLLATE \"C\"");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = platform });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<ConversationReference>();
        while (await reader.ReadAsync(cancellationToken)) list.Add(ConversationRows.Read(reader).Reference!);
        return list;
    }

    /// <summary>
    /// Records, as <see cref="ConversationInstalled"/> events by the system at their stored time, the installed rows that
    /// have no stream yet: the references migration 0002 carried over from the table that preceded the events. Run at
    /// every start; two processes doing it at once append each once (the second meets the first's version).
    /// </summary>
    public async Task<int> AdoptCarriedOverAsync(CancellationToken cancellationToken = default)
    {
        var carried = new List<Conversation>();
        await using (var command = dataSource.CreateCommand($"SELECT {ConversationRows.Columns} FROM conversations WHERE installed AND version = 0"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) carried.Add(ConversationRows.Read(reader));
        }
        foreach (var c in carried)
            await AppendAsync(ConversationProjection.Installed(c.Reference!), Actor.System, c.UpdatedAt, static (version, _) => version == 0, cancellationToken);
        return carried.Count;
    }

    /// <summary>Appends <paramref name="e"/> unless <paramref name="when"/> (given the stream's version and the row) says it no longer applies.</summary>
    private async Task AppendAsync(ConversationEvent e, Actor by, DateTimeOffset at, Func<long, Conversation?, bool> when, CancellationToken ct)
    {
        var streamId = ConversationProjection.StreamId(e.Platform, e.ConversationId);
        at = AuditHash.Truncate(at);
        for (var attempt = 1; ; attempt++)
        {
            var (version, head, row) = await ReadAsync(e.Platform, e.ConversationId, streamId, ct);
            if (!when(version, row)) return;
            try
            {
                if (await TryAppendAsync(streamId, version, head, e, by, at, ConversationProjection.Apply(row, e, version + 1, at), ct)) return;
            }
            catch (PostgresException conflict) when (conflict.SqlState == UniqueViolation && attempt < Attempts)
            {
            }
            if (attempt >= Attempts) throw new ConcurrencyException(streamId, version);
        }
    }

    private async Task<(long Version, string? Head, Conversation? Row)> ReadAsync(string platform, string conversationId, string streamId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(ReadSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = platform });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = conversationId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var version = reader.IsDBNull(0) ? 0 : reader.GetInt64(0);
        var head = reader.IsDBNull(1) ? null : reader.GetString(1);
        return (version, head, reader.IsDBNull(2) ? null : ConversationRows.Read(reader, 2));
    }

    private async Task<bool> TryAppendAsync(string streamId, long version, string? head, ConversationEvent e, Actor by, DateTimeOffset at, Conversation row, CancellationToken ct)
    {
        var data = EventJson.Serialize(e);
        var actor = JsonSerializer.Serialize(by, EventJson.Options);
        var hash = AuditHash.Compute(head, streamId, version + 1, e.Type, data, actor, at, auditKey?.Value);
        await using var command = dataSource.CreateCommand(AppendSql);
        var p = command.Parameters;
        p.Add(new NpgsqlParameter<string> { TypedValue = streamId });
        p.Add(new NpgsqlParameter<long> { TypedValue = version });
        p.Add(new NpgsqlParameter<string> { TypedValue = e.Type });
        p.Add(new NpgsqlParameter<string> { TypedValue = data });
        p.Add(new NpgsqlParameter<string> { TypedValue = actor });
        p.Add(new NpgsqlParameter<DateTime> { TypedValue = at.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        p.Add(new NpgsqlParameter { Value = (object?)head ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter<string> { TypedValue = hash });
        ConversationRows.AddParameters(p, row);
        return (long)(await command.ExecuteScalarAsync(ct))! == 1;
    }
}
