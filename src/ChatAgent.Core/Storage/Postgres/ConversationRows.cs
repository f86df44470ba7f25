using ChatAgent.Core.Chat;
using Npgsql;
using NpgsqlTypes;

namespace ChatAgent.Core.Storage.Postgres;

/// <summary>Mapping between <see cref="Conversation"/> and a <c>conversations</c> row.</summary>
internal static class ConversationRows
{
    public const string Columns =
        "platform, conversation_id, thread_id, service_url, tenant_id, bot_id, conversation_type, name, installed, version, updated_at";

    /// <summary>A conversation stream's event changes the install's facts, never the thread a reply there reaches.</summary>
    public const string OnConflictFromStream = """
         ON CONFLICT (platform, conversation_id) DO UPDATE SET
            service_url = EXCLUDED.service_url, tenant_id = EXCLUDED.tenant_id, bot_id = EXCLUDED.bot_id,
            conversation_type = EXCLUDED.conversation_type, name = EXCLUDED.name, installed = EXCLUDED.installed,
            version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
        """;

    /// <summary>A thread's link: the first one wins.</summary>
    public const string OnConflictLink =
        " ON CONFLICT (platform, conversation_id) DO UPDATE SET thread_id = EXCLUDED.thread_id WHERE conversations.thread_id IS NULL";

    /// <summary>
    /// The thread append's links, from its parameters $23 (platforms), $24 (conversation ids) and $25 (times); the caller
    /// adds the WHERE that ties them to the events written.
    /// </summary>
    public const string LinkSelect = """
        INSERT INTO conversations (platform, conversation_id, thread_id, installed, version, updated_at)
        SELECT l.platform, l.id, $1, false, 0, l.at FROM unnest($23::text[], $24::text[], $25::timestamptz[]) AS l(platform, id, at)
        """;

    /// <summary>$23..$25: the places <paramref name="events"/> link to their thread, each once (the first wins within an append too); returns how many.</summary>
    public static int AddLinkParameters(NpgsqlParameterCollection p, IReadOnlyList<Events.NewEvent> events)
    {
        var links = events
            .Select(e => (Link: ConversationProjection.LinkOf(e.Data), At: Audit.AuditHash.Truncate(e.At)))
            .Where(l => l.Link is not null)
            .DistinctBy(l => l.Link)
            .ToList();
        p.Add(new NpgsqlParameter<string[]> { TypedValue = [.. links.Select(l => l.Link!.Value.Platform)] });
        p.Add(new NpgsqlParameter<string[]> { TypedValue = [.. links.Select(l => l.Link!.Value.ConversationId)] });
        p.Add(new NpgsqlParameter<DateTime[]> { TypedValue = [.. links.Select(l => l.At.UtcDateTime)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        return links.Count;
    }

    /// <summary>Adds the row's eleven values, in <see cref="Columns"/> order.</summary>
    public static void AddParameters(NpgsqlParameterCollection p, Conversation c)
    {
        p.Add(new NpgsqlParameter<string> { TypedValue = c.Platform });
        p.Add(new NpgsqlParameter<string> { TypedValue = c.ConversationId });
        foreach (var value in new[] { c.ThreadId, c.ServiceUrl, c.TenantId, c.BotId, c.ConversationType, c.Name })
            p.Add(new NpgsqlParameter { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter<bool> { TypedValue = c.Installed });
        p.Add(new NpgsqlParameter<long> { TypedValue = c.Version });
        p.Add(new NpgsqlParameter<DateTime> { TypedValue = c.UpdatedAt.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
    }

    /// <summary>Reads a row whose <see cref="Columns"/> start at <paramref name="first"/>.</summary>
    public static Conversation Read(NpgsqlDataReader r, int first = 0) => new(
        r.GetString(first), r.GetString(first + 1), Text(r, first + 2), Text(r, first + 3), Text(r, first + 4), Text(r, first + 5),
        Text(r, first + 6), Text(r, first + 7), r.GetBoolean(first + 8), r.GetInt64(first + 9),
        new DateTimeOffset(r.GetFieldValue<DateTime>(first + 10)));

    private static string? Text(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
}
