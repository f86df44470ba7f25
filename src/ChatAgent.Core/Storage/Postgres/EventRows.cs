using System.Text.Json;
using ChatAgent.Core.Audit;
using ChatAgent.Core.Events;
using Npgsql;
using NpgsqlTypes;

namespace ChatAgent.Core.Storage.Postgres;

/// <summary>The parameters of <see cref="PostgresEventStore"/>'s append statement: the events, sealed into their chain.</summary>
internal static class EventRows
{
    /// <summary>
    /// $1..$7 for the events and delivery key, the summary's row $8..$20, each event's predecessor hash ($21)
    /// and seal ($22), then the links ($23..$25). Returns the seals and how many links there are. The wake-ups ($26 thread
    /// ids, $27 kinds, $28 trace parents) and the notification's origin ($29) follow.
    /// </summary>
    /// <remarks>
    /// With <paramref name="single"/> (one event), $3..$6, $21 and $22 are that event's values instead of arrays of one
    /// (<see cref="PostgresEventStore"/>'s one-row statement): PostgreSQL then decodes no arrays and unnests nothing.
    /// </remarks>
    public static (string[] Seals, int Links) AddAppendParameters(
        NpgsqlParameterCollection p, string threadId, long expectedVersion, IReadOnlyList<NewEvent> events, ThreadSummary summary, string? deliveryKey,
        string? previousHash, byte[]? key, bool single = false)
    {
        if (single && events.Count != 1) throw new ArgumentException($"A one-row append has one event, not {events.Count}.", nameof(events));
        var types = events.Select(e => e.Data.Type).ToArray();
        var data = events.Select(e => EventJson.Serialize(e.Data)).ToArray();
        var actors = events.Select(e => JsonSerializer.Serialize(e.Actor, EventJson.Options)).ToArray();
        var at = events.Select(e => AuditHash.Truncate(e.At)).ToArray();
        var prev = new string?[events.Count];
        var hashes = new string[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            prev[i] = i == 0 ? previousHash : hashes[i - 1];
            hashes[i] = AuditHash.Compute(prev[i], threadId, expectedVersion + 1 + i, types[i], data[i], actors[i], at[i], key);
        }
        p.Add(new NpgsqlParameter<string> { TypedValue = threadId });
        p.Add(new NpgsqlParameter<long> { TypedValue = expectedVersion });
        if (single)
        {
            p.Add(new NpgsqlParameter<string> { TypedValue = types[0] });
            p.Add(new NpgsqlParameter<string> { TypedValue = data[0], NpgsqlDbType = NpgsqlDbType.Jsonb });
            p.Add(new NpgsqlParameter<string> { TypedValue = actors[0], NpgsqlDbType = NpgsqlDbType.Jsonb });
            p.Add(new NpgsqlParameter<DateTime> { TypedValue = at[0].UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        }
        else
        {
            p.Add(new NpgsqlParameter<string[]> { TypedValue = types });
            p.Add(new NpgsqlParameter<string[]> { TypedValue = data, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
            p.Add(new NpgsqlParameter<string[]> { TypedValue = actors, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
            p.Add(new NpgsqlParameter<DateTime[]> { TypedValue = [.. at.Select(a => a.UtcDateTime)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        }
        p.Add(new NpgsqlParameter { Value = (object?)deliveryKey ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        ThreadRows.AddParameters(p, summary);
        if (single)
        {
            p.Add(new NpgsqlParameter { Value = (object?)prev[0] ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            p.Add(new NpgsqlParameter<string> { TypedValue = hashes[0] });
        }
        else
        {
            p.Add(new NpgsqlParameter<string?[]> { TypedValue = prev, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            p.Add(new NpgsqlParameter<string[]> { TypedValue = hashes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        }
        var links = ConversationRows.AddLinkParameters(p, events);
        return (hashes, links);
    }
}
