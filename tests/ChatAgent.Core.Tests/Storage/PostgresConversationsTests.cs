using ChatAgent.Core.Chat;
using ChatAgent.Core.Events;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Storage.Postgres;
using Npgsql;

namespace ChatAgent.Core.Tests.Storage;

public sealed class PostgresConversationsTests(PostgresDatabase database) : ConversationsContract, IClassFixture<PostgresDatabase>
{
    private readonly PostgresConversations _conversations = new(database.DataSource);

    protected override IEventStore Store { get; } = new PostgresEventStore(database.DataSource);

    protected override IConversationIndex Index => _conversations;

    protected override IConversationReferences References => _conversations;

    /// <summary>The stream holds the facts as events, sealed, with who caused them; a second removal notice adds nothing.</summary>
    [Fact]
    public async Task InstallsAndRemovals_AreEventsInTheConversationsStream_SealedIntoTheAuditChain()
    {
        var id = "19:audited-" + Guid.NewGuid().ToString("N")[..8] + "@thread.tacv2";
        var at = new DateTimeOffset(2026, 4, 2, 8, 0, 0, TimeSpan.Zero);
        await _conversations.SaveAsync(new("teams", id, "https://smba.example/emea/", "tenant-1", "28:app", "personal", null, at), Actor.User("teams:aad-erin", "Erin"));
        await _conversations.RemoveAsync("teams", id, Actor.System, at.AddMinutes(1));
        await _conversations.RemoveAsync("teams", id, Actor.System, at.AddMinutes(2));

        await using var command = database.DataSource.CreateCommand("SELECT seq, type, actor->>'id', at, hash IS NOT NULL FROM events WHERE thread_id = $1 ORDER BY seq");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ConversationProjection.StreamId("teams", id) });
        var rows = new List<(long, string, string, DateTimeOffset, bool)>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), new DateTimeOffset(reader.GetFieldValue<DateTime>(3)), reader.GetBoolean(4)));

        Assert.Equal([(1L, "conversation_installed", "teams:aad-erin", at, true), (2L, "conversation_removed", "system", at.AddMinutes(1), true)], rows);
        var report = await new PostgresAuditStore(database.DataSource).VerifyAsync();
        Assert.True(report.Ok, string.Join("; ", report.Findings));
    }
}
