using System.Runtime.CompilerServices;
using ChatAgent.Core.Audit;
using ChatAgent.Core.Events;
using Npgsql;
using NpgsqlTypes;

namespace ChatAgent.Core.Storage.Postgres;

/// <summary>The audit queries over the <c>events</c> table written by <see cref="PostgresEventStore"/>.</summary>
public sealed class PostgresAuditStore(NpgsqlDataSource dataSource, AuditKey? auditKey = null) : IAuditStore
{
    public async IAsyncEnumerable<StoredEvent> ReadByTimeAsync(
        DateTimeOffset from, DateTimeOffset to, IReadOnlyCollection<string> types, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT thread_id, seq, data::text, actor::text, at FROM events
            WHERE type = ANY($1) AND at >= $2 AND at < $3
            ORDER BY at, thread_id COLLATE "C", seq
            """);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. types] });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = from.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = to.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new StoredEvent(
                reader.GetString(0), reader.GetInt64(1), new DateTimeOffset(reader.GetFieldValue<DateTime>(4)),
                System.Text.Json.JsonSerializer.Deserialize<Actor>(reader.GetString(3), EventJson.Options)!,
                EventJson.Deserialize(reader.GetString(2)));
        }
    }

    public async Task<AuditReport> VerifyAsync(CancellationToken cancellationToken = default)
    {
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        // A conversation stream's recorded version is its row's: a removal at the end of it is found like a thread's.
        await using (var command = dataSource.CreateCommand(
            $"SELECT id, version FROM threads UNION ALL SELECT '{Chat.ConversationProjection.StreamPrefix}' || platform || ':' || conversation_id, version FROM conversations WHERE version > 0"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) versions[reader.GetString(0)] = reader.GetInt64(1);
        }

        var verifier = new ChainVerifier(versions, auditKey?.Value);
        await using (var command = dataSource.CreateCommand(
            "SELECT thread_id, seq, type, data::text, actor::text, at, prev_hash, hash FROM events ORDER BY thread_id COLLATE \"C\", seq"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                verifier.Add(new AuditRow(
                    reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    new DateTimeOffset(reader.GetFieldValue<DateTime>(5)),
                    reader.IsDBNull(6) ? null : reader.GetString(6),
                    reader.IsDBNull(7) ? null : reader.GetString(7)));
            }
        }
        return verifier.Finish();
    }
}
