using ChatAgent.Core.Chat;
using Npgsql;

namespace ChatAgent.Core.Storage.Postgres;

/// <summary>The <c>conversation_refs</c> table: a platform reference -> thread id; the first link wins.</summary>
public sealed class PostgresConversationIndex(NpgsqlDataSource dataSource) : IConversationIndex
{
    public async Task LinkAsync(string conversationRef, string threadId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "INSERT INTO conversation_refs (ref, thread_id, at) VALUES ($1, $2, now()) ON CONFLICT (ref) DO NOTHING");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = conversationRef });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = threadId });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<string?> FindAsync(string conversationRef, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT thread_id FROM conversation_refs WHERE ref = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = conversationRef });
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }
}
