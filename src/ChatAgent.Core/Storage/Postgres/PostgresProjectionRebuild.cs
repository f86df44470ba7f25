using ChatAgent.Core.Chat;
using ChatAgent.Core.Events;
using ChatAgent.Core.Threads;
using Npgsql;

namespace ChatAgent.Core.Storage.Postgres;

/// <summary>
/// Recomputes every projection (<c>threads</c>, <c>conversations</c>) from the events in one transaction, so readers
/// see either the old projections or the new ones. The projections are locked against writes first (reads go on), so
/// an append that arrives meanwhile waits and then writes its rows over the rebuilt ones, never under them. Streams the
/// events stream by stream: memory holds one thread's state, the conversations and the Slack links.
/// </summary>
internal static class PostgresProjectionRebuild
{
    public static async Task<IReadOnlyList<RebuiltProjection>> RunAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var read = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var write = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await write.BeginTransactionAsync(cancellationToken);
        await using (var clear = new NpgsqlCommand("LOCK TABLE threads, conversations, grants IN EXCLUSIVE MODE; DELETE FROM threads; DELETE FROM conversations; DELETE FROM grants", write, tx))
            await clear.ExecuteNonQueryAsync(cancellationToken);

        var rebuild = new Rebuild();
        await using (var command = new NpgsqlCommand("SELECT seq, data::text, actor::text, at, thread_id FROM events ORDER BY thread_id, seq", read))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                if (rebuild.Add(reader) is { } finished) await InsertThreadAsync(write, tx, finished, cancellationToken);
            }
        }
        if (rebuild.Finish() is { } last) await InsertThreadAsync(write, tx, last, cancellationToken);
        var conversations = rebuild.Conversations();
        foreach (var row in conversations)
        {
            await using var insert = new NpgsqlCommand($"INSERT INTO conversations ({ConversationRows.Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)", write, tx);
            ConversationRows.AddParameters(insert.Parameters, row);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        foreach (var g in rebuild.Grants.Values)
        {
            await using var insert = new NpgsqlCommand("""
                INSERT INTO grants (id, thread_id, tool, data, granted_by, created_at, expires_at, revoked_by, revoked_at)
                VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7, $8::jsonb, $9)
                """, write, tx);
            var p = insert.Parameters;
            p.Add(new NpgsqlParameter<string> { TypedValue = g.Id });
            p.Add(new NpgsqlParameter<string> { TypedValue = g.ThreadId });
            p.Add(new NpgsqlParameter<string> { TypedValue = g.Tool });
            p.Add(new NpgsqlParameter<string> { TypedValue = g.Data });
            p.Add(new NpgsqlParameter<string> { TypedValue = g.By });
            p.Add(new NpgsqlParameter<DateTime> { TypedValue = g.At.UtcDateTime, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
            p.Add(new NpgsqlParameter<DateTime> { TypedValue = g.ExpiresAt.UtcDateTime, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
            p.Add(new NpgsqlParameter { Value = (object?)g.RevokedBy ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            p.Add(new NpgsqlParameter { Value = (object?)g.RevokedAt?.UtcDateTime ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await tx.CommitAsync(cancellationToken);
        return
        [
            new RebuiltProjection("threads", rebuild.Threads, rebuild.ThreadEvents),
            new RebuiltProjection("conversations", conversations.Count, rebuild.ThreadEvents + rebuild.ConversationEvents),
            new RebuiltProjection("grants", rebuild.Grants.Count, rebuild.ThreadEvents),
        ];
    }

    private static async Task InsertThreadAsync(NpgsqlConnection connection, NpgsqlTransaction tx, ThreadSummary summary, CancellationToken cancellationToken)
    {
        await using var insert = new NpgsqlCommand(InsertSql + ThreadRows.OnConflict, connection, tx);
        ThreadRows.AddParameters(insert.Parameters, summary);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The same row as the append writes, numbered from $1 here (the append numbers it from $8).</summary>
    private static readonly string InsertSql =
        "INSERT INTO threads (" + ThreadRows.Columns + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";

    /// <summary>The fold over every stream, in <c>(stream, seq)</c> order: thread states one at a time, conversations and links whole.</summary>
    private sealed class Rebuild
    {
        private readonly Dictionary<(string, string), Conversation> _conversations = [];
        private readonly Dictionary<(string Platform, string ConversationId), (DateTimeOffset At, string ThreadId, long Seq)> _links = [];
        private string? _stream;
        private ThreadState _state = ThreadState.Empty;
        private bool _inThread;

        /// <summary>The grants rows, from the threads' grant_created / grant_revoked (the stored JSON kept as it is).</summary>
        public Dictionary<string, GrantRow> Grants { get; } = new(StringComparer.Ordinal);

        public long Threads { get; private set; }
        public long ThreadEvents { get; private set; }
        public long ConversationEvents { get; private set; }

        /// <summary>Folds one row; returns the summary of the thread that ended before it, if one did.</summary>
        public ThreadSummary? Add(NpgsqlDataReader reader)
        {
            var streamId = reader.GetString(4);
            var finished = streamId != _stream ? Finish() : null;
            _stream = streamId;
            if (streamId.StartsWith(ConversationProjection.StreamPrefix, StringComparison.Ordinal))
            {
                ConversationEvents++;
                var e = EventJson.DeserializeConversation(reader.GetString(1));
                var key = (e.Platform, e.ConversationId);
                _conversations[key] = ConversationProjection.Apply(_conversations.GetValueOrDefault(key), e, reader.GetInt64(0), new DateTimeOffset(reader.GetFieldValue<DateTime>(3)));
                return finished;
            }
            ThreadEvents++;
            var stored = PostgresEventStore.ReadEvent(streamId, reader);
            _state = ThreadReducer.Reduce(_state, stored);
            _inThread = true;
            if (stored.Data is GrantCreated created && !Grants.ContainsKey(created.GrantId))
                Grants[created.GrantId] = new GrantRow(created.GrantId, streamId, created.Tool, reader.GetString(1), reader.GetString(2), stored.At, created.ExpiresAt);
            else if (stored.Data is GrantRevoked revoked && Grants.TryGetValue(revoked.GrantId, out var row) && row.ThreadId == streamId && row.RevokedAt is null)
                Grants[revoked.GrantId] = row with { RevokedBy = reader.GetString(2), RevokedAt = stored.At };
            if (ConversationProjection.LinkOf(stored.Data) is { } link
                && (!_links.TryGetValue(link, out var first) || Earlier((stored.At, streamId, stored.Seq), first)))
                _links[link] = (stored.At, streamId, stored.Seq);
            return finished;
        }

        /// <summary>The summary of the thread being folded, if the current stream is one.</summary>
        public ThreadSummary? Finish()
        {
            if (!_inThread) return null;
            var summary = ThreadSummary.From(_state);
            _state = ThreadState.Empty;
            _inThread = false;
            Threads++;
            return summary;
        }

        /// <summary>The conversation rows: each stream's fold, then the first link to each place.</summary>
        public List<Conversation> Conversations()
        {
            foreach (var (place, (at, threadId, _)) in _links)
                _conversations[place] = ConversationProjection.Link(_conversations.GetValueOrDefault(place), place, threadId, at);
            return [.. _conversations.Values];
        }

        private static bool Earlier((DateTimeOffset At, string ThreadId, long Seq) a, (DateTimeOffset At, string ThreadId, long Seq) b) =>
            a.At != b.At ? a.At < b.At : string.CompareOrdinal(a.ThreadId, b.ThreadId) is var c && c != 0 ? c < 0 : a.Seq < b.Seq;
    }

    internal sealed record GrantRow(string Id, string ThreadId, string Tool, string Data, string By, DateTimeOffset At, DateTimeOffset ExpiresAt)
    {
        public string? RevokedBy { get; init; }

        public DateTimeOffset? RevokedAt { get; init; }
    }
}
