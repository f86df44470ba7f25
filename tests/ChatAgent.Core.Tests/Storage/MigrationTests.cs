using System.Text.Json;
using ChatAgent.Core.Audit;
using ChatAgent.Core.Chat;
using ChatAgent.Core.Events;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Storage.Postgres;
using ChatAgent.Core.Tests.Events;
using ChatAgent.Core.Threads;
using Npgsql;

namespace ChatAgent.Core.Tests.Storage;

/// <summary>
/// The schema as numbered migrations on a real PostgreSQL: an empty database is brought to the latest version; a
/// database the release before migrations created (its DDL kept in Fixtures) is adopted with its events readable as
/// today's, its audit chain intact; a newer database is refused; a failing migration changes nothing.
/// </summary>
public sealed class MigrationTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static readonly string[] Tables =
        ["audit_checkpoints", "conversations", "deliveries", "events", "grants", "schema_version", "threads", "wakeups", "webhook_deliveries"];

    [Fact]
    public void ThisBuild_HasItsMigrationsNumberedFromOne()
    {
        Assert.Equal((1, "baseline"), (PostgresMigrations.All[0].Version, PostgresMigrations.All[0].Name));
        Assert.Equal((2, "conversations"), (PostgresMigrations.All[1].Version, PostgresMigrations.All[1].Name));
        Assert.Equal((4, "grants"), (PostgresMigrations.All[3].Version, PostgresMigrations.All[3].Name));
        Assert.Equal(Enumerable.Range(1, PostgresMigrations.All.Count), PostgresMigrations.All.Select(m => m.Version));
        Assert.Equal(PostgresMigrations.All.Count, PostgresMigrations.Latest);
    }

    [Fact]
    public async Task AnEmptyDatabase_IsMigratedToTheLatestVersion_Once()
    {
        var db = await database.CreateDataSourceAsync();

        Assert.Equal(Enumerable.Range(1, PostgresMigrations.Latest), await PostgresMigrations.MigrateAsync(db));
        Assert.Empty(await PostgresMigrations.MigrateAsync(db));

        Assert.Equal(Tables, await TablesAsync(db));
        Assert.Equal(Enumerable.Range(1, PostgresMigrations.Latest), await AppliedAsync(db));
    }

    [Fact]
    public async Task TwoProcessesStartingAtOnce_ApplyEachMigrationOnce()
    {
        // Its own connection string: a data source's ConnectionString leaves the password out.
        var connectionString = await ChatAgent.TestSupport.PostgresServer.CreateDatabaseAsync();
        await using var a = NpgsqlDataSource.Create(connectionString);
        await using var b = NpgsqlDataSource.Create(connectionString);

        var applied = await Task.WhenAll(PostgresMigrations.MigrateAsync(a), PostgresMigrations.MigrateAsync(b));

        Assert.Equal(Enumerable.Range(1, PostgresMigrations.Latest), applied.SelectMany(x => x).Order());
        Assert.Equal(Enumerable.Range(1, PostgresMigrations.Latest), await AppliedAsync(a));
    }

    [Fact]
    public async Task ADatabaseOfThePreviousRelease_IsAdopted_ItsEventsReadAsTodays_AndItsAuditChainStillHolds()
    {
        var db = await database.CreateDataSourceAsync();
        await ExecuteAsync(db, File.ReadAllText(FixturePath("schema-before-migrations.sql")));
        var golden = File.ReadLines(EventJsonTests.GoldenPath("deploy-thread.jsonl")).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        await InsertAsWrittenAsync(db, golden);

        Assert.Equal(Enumerable.Range(1, PostgresMigrations.Latest), await PostgresMigrations.MigrateAsync(db));

        var store = new PostgresEventStore(db);
        var events = await store.ReadAsync("t-golden-deploy");
        Assert.Equal(16, events.Count);
        var decisions = events.Select(e => e.Data).OfType<ApprovalDecided>().ToList();
        Assert.Equal([("appr-1", true, "tests are green"), ("appr-1", true, null)], decisions.Select(d => (d.ApprovalId, d.Granted, d.Comment)));
        Assert.Equal(ThreadStatus.Completed, ThreadReducer.Replay(events).Status);

        await store.RebuildProjectionAsync();
        var row = Assert.Single(await store.ListAsync(new ThreadQuery()));
        Assert.Equal(("t-golden-deploy", "completed", 16L), (row.Id, row.Status, row.Version));

        var report = await new PostgresAuditStore(db).VerifyAsync();
        Assert.True(report.Ok, string.Join("; ", report.Findings));
        Assert.Equal(0, report.Unsealed);
        Assert.Equal(16L, report.Events);
    }

    /// <summary>
    /// The two conversation tables of the releases before 0002, with rows as they wrote them: a Teams install and the
    /// Slack links of the golden deploy thread (its reply thread, from its launch; its approval card, from the post). After
    /// the upgrade they are one conversations table; the install is an event in the conversation's stream, sealed; the
    /// links are what the thread's events say; a rebuild gives the same rows.
    /// </summary>
    [Theory]
    [InlineData("before-migrations")]
    [InlineData("baseline")]
    public async Task TheOldConversationTables_BecomeConversationEventsAndRows_ThatARebuildKeeps(string from)
    {
        var db = await database.CreateDataSourceAsync();
        if (from == "baseline") await PostgresMigrations.MigrateAsync(db, [PostgresMigrations.All[0]]);
        else await ExecuteAsync(db, File.ReadAllText(FixturePath("schema-before-migrations.sql")));
        await InsertAsWrittenAsync(db, File.ReadLines(EventJsonTests.GoldenPath("deploy-thread.jsonl")).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList());
        await ExecuteAsync(db, """
            INSERT INTO conversation_references (platform, conversation_id, service_url, tenant_id, bot_id, conversation_type, name, updated_at)
            VALUES ('teams', '19:general@thread.tacv2', 'https://smba.trafficmanager.net/emea/', 'tenant-1', '28:app-id', 'channel', 'General', '2026-01-10T08:00:00Z');
            INSERT INTO conversation_refs (ref, thread_id, at) VALUES
                ('slack:C123|1700000000.000100', 't-golden-deploy', '2026-01-15T09:30:02Z'),
                ('slack:C123/1700000000.000200', 't-golden-deploy', '2026-01-15T09:30:42Z');
            """);

        var store = new PostgresEventStore(db);
        await store.EnsureSchemaAsync();

        Assert.Equal(Tables, await TablesAsync(db));
        Conversation[] expected =
        [
            new("slack", "C123/1700000000.000200", "t-golden-deploy", null, null, null, null, null, false, 0, At("2026-01-15T09:30:42Z")),
            new("slack", "C123|1700000000.000100", "t-golden-deploy", null, null, null, null, null, false, 0, At("2026-01-15T09:30:01Z")),
            new("teams", "19:general@thread.tacv2", null, "https://smba.trafficmanager.net/emea/", "tenant-1", "28:app-id", "channel", "General", true, 1, At("2026-01-10T08:00:00Z")),
        ];
        Assert.Equal(expected, await ConversationsAsync(db));
        var conversations = new PostgresConversations(db);
        Assert.Equal("t-golden-deploy", await conversations.FindThreadAsync("slack", "C123|1700000000.000100"));
        Assert.Equal("https://smba.trafficmanager.net/emea/", (await conversations.FindAsync("teams", "19:general@thread.tacv2"))?.ServiceUrl);
        var installed = await StreamAsync(db, "conversation:teams:19:general@thread.tacv2");
        var install = Assert.Single(installed);
        Assert.Equal(("conversation_installed", "system", At("2026-01-10T08:00:00Z")), (install.Type, install.Actor, install.At));
        Assert.Equal(new ConversationInstalled("teams", "19:general@thread.tacv2", "https://smba.trafficmanager.net/emea/", "tenant-1", "28:app-id", "channel", "General"),
            EventJson.DeserializeConversation(install.Data));
        Assert.Contains("\"v\": 1", install.Data);

        await store.EnsureSchemaAsync();
        Assert.Single(await StreamAsync(db, "conversation:teams:19:general@thread.tacv2"));
        await store.RebuildProjectionAsync();
        Assert.Equal(expected, await ConversationsAsync(db));
        var report = await new PostgresAuditStore(db).VerifyAsync();
        Assert.True(report.Ok, string.Join("; ", report.Findings));
        Assert.Equal((2, 17L, 0L), (report.Threads, report.Events, report.Unsealed));
    }

    [Fact]
    public async Task ADatabaseAtANewerVersion_IsRefused_AndLeftAsItIs()
    {
        var db = await database.CreateDataSourceAsync();
        await PostgresMigrations.MigrateAsync(db);
        await ExecuteAsync(db, $"INSERT INTO schema_version (version, name) VALUES ({PostgresMigrations.Latest + 5}, 'from_a_newer_release')");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => PostgresMigrations.MigrateAsync(db));

        Assert.Contains($"schema version {PostgresMigrations.Latest + 5}, newer than this ChatAgent knows ({PostgresMigrations.Latest})", error.Message);
        Assert.Equal([.. Enumerable.Range(1, PostgresMigrations.Latest), PostgresMigrations.Latest + 5], await AppliedAsync(db));
    }

    [Fact]
    public async Task ALaterMigration_RunsOnceInOrder_AndAFailingOne_ChangesNothing()
    {
        var db = await database.CreateDataSourceAsync();
        var next = PostgresMigrations.Latest + 1;
        IReadOnlyList<Migration> withNext = [.. PostgresMigrations.All, new Migration(next, "add_notes", "CREATE TABLE notes (id integer PRIMARY KEY)")];

        Assert.Equal(Enumerable.Range(1, next), await PostgresMigrations.MigrateAsync(db, withNext));

        IReadOnlyList<Migration> withFailing = [.. withNext,
            new Migration(next + 1, "add_tags", "CREATE TABLE tags (id integer PRIMARY KEY)"),
            new Migration(next + 2, "broken", "ALTER TABLE no_such_table ADD COLUMN x integer")];
        var error = await Assert.ThrowsAsync<PostgresException>(() => PostgresMigrations.MigrateAsync(db, withFailing));

        Assert.Equal("42P01", error.SqlState);
        Assert.Equal(Enumerable.Range(1, next), await AppliedAsync(db));
        Assert.Contains("notes", await TablesAsync(db));
        Assert.DoesNotContain("tags", await TablesAsync(db));
    }

    /// <summary>Rows exactly as the previous release wrote them: its JSON text, sealed into the chain as written.</summary>
    private static async Task InsertAsWrittenAsync(NpgsqlDataSource db, IReadOnlyList<JsonElement> lines)
    {
        string? previous = null;
        foreach (var line in lines)
        {
            var (thread, seq, at) = (line.GetProperty("threadId").GetString()!, line.GetProperty("seq").GetInt64(), line.GetProperty("at").GetDateTimeOffset());
            var data = line.GetProperty("data").GetRawText();
            var actor = line.GetProperty("actor").GetRawText();
            var type = line.GetProperty("data").GetProperty("type").GetString()!;
            var hash = AuditHash.Compute(previous, thread, seq, type, data, actor, at);
            await using var insert = db.CreateCommand("INSERT INTO events (thread_id, seq, type, data, actor, at, prev_hash, hash) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7, $8)");
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = thread });
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = seq });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = type });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = data });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = actor });
            insert.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = at.UtcDateTime });
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)previous ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = hash });
            await insert.ExecuteNonQueryAsync();
            previous = hash;
        }
    }

    private static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<List<Conversation>> ConversationsAsync(NpgsqlDataSource db)
    {
        await using var command = db.CreateCommand(
            "SELECT platform, conversation_id, thread_id, service_url, tenant_id, bot_id, conversation_type, name, installed, version, updated_at FROM conversations ORDER BY platform, conversation_id COLLATE \"C\"");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Conversation>();
        string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
        while (await reader.ReadAsync())
            rows.Add(new Conversation(reader.GetString(0), reader.GetString(1), Text(2), Text(3), Text(4), Text(5), Text(6), Text(7),
                reader.GetBoolean(8), reader.GetInt64(9), new DateTimeOffset(reader.GetFieldValue<DateTime>(10))));
        return rows;
    }

    private static async Task<List<(string Type, string Data, string Actor, DateTimeOffset At)>> StreamAsync(NpgsqlDataSource db, string stream)
    {
        await using var command = db.CreateCommand("SELECT type, data::text, actor->>'id', at FROM events WHERE thread_id = $1 ORDER BY seq");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stream });
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, string, string, DateTimeOffset)>();
        while (await reader.ReadAsync())
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), new DateTimeOffset(reader.GetFieldValue<DateTime>(3))));
        return rows;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<List<string>> TablesAsync(NpgsqlDataSource db)
    {
        await using var command = db.CreateCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name");
        await using var reader = await command.ExecuteReaderAsync();
        var tables = new List<string>();
        while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        return tables;
    }

    private static async Task<List<int>> AppliedAsync(NpgsqlDataSource db)
    {
        await using var command = db.CreateCommand("SELECT version FROM schema_version ORDER BY version");
        await using var reader = await command.ExecuteReaderAsync();
        var versions = new List<int>();
        while (await reader.ReadAsync()) versions.Add(reader.GetInt32(0));
        return versions;
    }

    private static string FixturePath(string name, [System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.Combine(Path.GetDirectoryName(here)!, "Fixtures", name);
}
