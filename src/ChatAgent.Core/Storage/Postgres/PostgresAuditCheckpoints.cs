using System.Text.Json;
using ChatAgent.Core.Audit;
using Npgsql;
using NpgsqlTypes;

namespace ChatAgent.Core.Storage.Postgres;

/// <summary>Audit checkpoints in the <c>audit_checkpoints</c> table (created with the event store's schema).</summary>
public sealed class PostgresAuditCheckpoints(NpgsqlDataSource dataSource) : IAuditCheckpoints
{
    private const string UniqueViolation = "23505";

    public async Task<IReadOnlyList<AuditCheckpoint>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT number, at, threads::text, previous_mac, mac FROM audit_checkpoints ORDER BY number");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<AuditCheckpoint>();
        while (await reader.ReadAsync(cancellationToken))
            list.Add(new AuditCheckpoint(
                reader.GetInt64(0), new DateTimeOffset(reader.GetFieldValue<DateTime>(1)),
                JsonSerializer.Deserialize<List<AuditHead>>(reader.GetString(2))!,
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4)));
        return list;
    }

    public async Task<bool> AppendAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "INSERT INTO audit_checkpoints (number, at, threads, previous_mac, mac) VALUES ($1, $2, $3::jsonb, $4, $5)");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = checkpoint.Number });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = checkpoint.At.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = JsonSerializer.Serialize(checkpoint.Threads) });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)checkpoint.PreviousMac ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = checkpoint.Mac });
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
            return true;
        }
        catch (PostgresException e) when (e.SqlState == UniqueViolation)
        {
            return false;
        }
    }
}
