using Npgsql;
using NpgsqlTypes;

namespace ChatAgent.Core.Storage.Postgres;

/// <summary>Mapping between <see cref="ThreadSummary"/> and a <c>threads</c> row; parameters are $8..$20 (the append's hash parameters follow at $21).</summary>
internal static class ThreadRows
{
    public const string Columns =
        "id, agent, status, step, max_steps, version, platform, requested_by, pending_approvals, started_at, updated_at, parent_thread_id, undelivered_messages";

    /// <summary>An <c>INSERT ... SELECT</c> of one summary; the caller appends a WHERE and <see cref="OnConflict"/>.</summary>
    public const string UpsertSelectPrefix =
        "INSERT INTO threads (" + Columns + ") SELECT $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20";

    public const string OnConflict = """
         ON CONFLICT (id) DO UPDATE SET
            agent = EXCLUDED.agent, status = EXCLUDED.status, step = EXCLUDED.step, max_steps = EXCLUDED.max_steps,
            version = EXCLUDED.version, platform = EXCLUDED.platform, requested_by = EXCLUDED.requested_by,
            pending_approvals = EXCLUDED.pending_approvals, started_at = EXCLUDED.started_at,
            updated_at = EXCLUDED.updated_at, parent_thread_id = EXCLUDED.parent_thread_id,
            undelivered_messages = EXCLUDED.undelivered_messages
        """;

    public static void AddParameters(NpgsqlParameterCollection p, ThreadSummary s)
    {
        p.Add(new NpgsqlParameter<string> { TypedValue = s.Id });
        p.Add(new NpgsqlParameter<string> { TypedValue = s.Agent });
        p.Add(new NpgsqlParameter<string> { TypedValue = s.Status });
        p.Add(new NpgsqlParameter<int> { TypedValue = s.Step });
        p.Add(new NpgsqlParameter<int> { TypedValue = s.MaxSteps });
        p.Add(new NpgsqlParameter<long> { TypedValue = s.Version });
        p.Add(new NpgsqlParameter<string> { TypedValue = s.Platform });
        p.Add(new NpgsqlParameter<string> { TypedValue = s.RequestedBy });
        p.Add(new NpgsqlParameter<int> { TypedValue = s.PendingApprovals });
        p.Add(new NpgsqlParameter<DateTime> { TypedValue = s.StartedAt.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        p.Add(new NpgsqlParameter<DateTime> { TypedValue = s.UpdatedAt.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        p.Add(new NpgsqlParameter { Value = (object?)s.ParentThreadId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter<int> { TypedValue = s.UndeliveredMessages });
    }

    public static ThreadSummary Read(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt32(3), r.GetInt32(4), r.GetInt64(5),
        r.GetString(6), r.GetString(7), r.GetInt32(8),
        new DateTimeOffset(r.GetFieldValue<DateTime>(9)), new DateTimeOffset(r.GetFieldValue<DateTime>(10)),
        r.IsDBNull(11) ? null : r.GetString(11), r.GetInt32(12));
}
