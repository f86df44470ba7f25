using ChatAgent.Core.Chat;
using Npgsql;

namespace ChatAgent.Core.Storage.Postgres;

/// <summary>Conversation references in the <c>conversation_references</c> table (created with the event store's schema).</summary>
public sealed class PostgresConversationReferences(NpgsqlDataSource dataSource) : IConversationReferences
{
    private const string Columns = "platform, conversation_id, service_url, tenant_id, bot_id, conversation_type, name, updated_at";

    public async Task SaveAsync(ConversationReference reference, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO conversation_references ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (platform, conversation_id) DO UPDATE SET
                service_url = EXCLUDED.service_url, tenant_id = EXCLUDED.tenant_id, bot_id = EXCLUDED.bot_id,
                conversation_type = EXCLUDED.conversation_type, name = COALESCE(EXCLUDED.name, conversation_references.name),
                updated_at = EXCLUDED.updated_at
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = reference.Platform });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = reference.ConversationId });
        foreach (var value in new[] { reference.ServiceUrl, reference.TenantId, reference.BotId, reference.ConversationType, reference.Name })
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = reference.UpdatedAt.ToUniversalTime() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<ConversationReference?> FindAsync(string platform, string conversationId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM conversation_references WHERE platform = $1 AND conversation_id = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = platform });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = conversationId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task RemoveAsync(string platform, string conversationId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM conversation_references WHERE platform = $1 AND conversation_id = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = platform });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = conversationId });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ConversationReference>> ListAsync(string platform, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM conversation_references WHERE platform = $1 ORDER BY updated_at DESC");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = platform });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<ConversationReference>();
        while (await reader.ReadAsync(cancellationToken)) list.Add(Read(reader));
        return list;
    }

    private static ConversationReference Read(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), Text(r, 2), Text(r, 3), Text(r, 4), Text(r, 5), Text(r, 6),
        r.GetFieldValue<DateTimeOffset>(7));

    private static string? Text(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
}
