using ChatAgent.Core.Events;
using ChatAgent.Core.Threads;
using Npgsql;

namespace ChatAgent.Core.Storage.Postgres;

/// <summary>
/// Recomputes every <c>threads</c> row from the events in one transaction, so readers see either the
/// old projection or the new one. Streams the events thread by thread; memory holds one thread's state.
/// </summary>
internal static class PostgresProjectionRebuild
{
    public static async Task RunAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var read = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var write = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await write.BeginTransactionAsync(cancellationToken);
        await using (var clear = new NpgsqlCommand("DELETE FROM threads", write, tx))
            await clear.ExecuteNonQueryAsync(cancellationToken);

        await using var command = new NpgsqlCommand(
            "SELECT seq, data::text, actor::text, at, thread_id FROM events ORDER BY thread_id, seq", read);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        string? current = null;
        var state = ThreadState.Empty;
        while (await reader.ReadAsync(cancellationToken))
        {
            var threadId = reader.GetString(4);
            if (current is not null && threadId != current)
            {
                await InsertAsync(write, tx, ThreadSummary.From(state), cancellationToken);
                state = ThreadState.Empty;
            }
            current = threadId;
            state = ThreadReducer.Reduce(state, PostgresEventStore.ReadEvent(threadId, reader));
        }
        if (current is not null) await InsertAsync(write, tx, ThreadSummary.From(state), cancellationToken);
        await tx.CommitAsync(cancellationToken);
    }

    private static async Task InsertAsync(NpgsqlConnection connection, NpgsqlTransaction tx, ThreadSummary summary, CancellationToken cancellationToken)
    {
        await using var insert = new NpgsqlCommand(InsertSql + ThreadRows.OnConflict, connection, tx);
        ThreadRows.AddParameters(insert.Parameters, summary);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The same row as the append writes, numbered from $1 here (the append numbers it from $8).</summary>
    private static readonly string InsertSql =
        "INSERT INTO threads (" + ThreadRows.Columns + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";
}
