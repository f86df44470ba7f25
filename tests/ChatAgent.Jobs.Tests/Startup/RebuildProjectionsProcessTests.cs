using System.Net.Http.Json;
using System.Text.Json;
using ChatAgent.Jobs.Tests.Support;
using ChatAgent.TestSupport;
using Npgsql;

namespace ChatAgent.Jobs.Tests.Startup;

/// <summary>
/// <c>rebuild-projections</c> as an operator runs it: the real bot binary, with the configuration the server used,
/// against a database whose projections were damaged after real threads ran.
/// </summary>
public sealed class RebuildProjectionsProcessTests
{
    [Fact]
    public async Task RebuildProjections_RestoresTheDamagedProjections_FromTheEvents_AndSaysWhatItDid()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        using var data = new TempDirectory();
        string done, waiting;
        await using (var bot = await BotProcess.StartAsync(connectionString, data.Path))
        {
            done = (await ThreadsClient.TryLaunchAsync(bot.Client, "api to production", "rebuild-1"))!;
            var approval = await PendingApprovalAsync(bot.Client, done);
            Assert.True(await ThreadsClient.TryApproveAsync(bot.Client, done, approval));
            await Poll.UntilAsync(() => StatusAsync(bot.Client, done), s => s == "completed", what: "the approved deploy to complete");
            waiting = (await ThreadsClient.TryLaunchAsync(bot.Client, "web to production", "rebuild-2"))!;
            await PendingApprovalAsync(bot.Client, waiting);
        }
        await using var db = NpgsqlDataSource.Create(connectionString);
        var before = await RowsAsync(db, "SELECT row_to_json(t)::text FROM threads t ORDER BY id COLLATE \"C\"");
        var events = await RowsAsync(db, "SELECT count(*)::text FROM events");
        await ExecuteAsync(db, """
            DELETE FROM threads;
            INSERT INTO conversations (platform, conversation_id, thread_id, installed, version, updated_at)
            VALUES ('slack', 'C0|1.0', 'th_nowhere', false, 0, now());
            """);

        var (exit, output, error) = await BotProcess.RunCommandAsync(connectionString, data.Path, "rebuild-projections");

        Assert.True(exit == 0, $"exit {exit}: {error}");
        Assert.Equal(
        [
            $"rebuilt threads: 2 rows from {events[0]} events",
            $"rebuilt conversations: 0 rows from {events[0]} events",
            $"rebuilt grants: 0 rows from {events[0]} events",
            "left alone (primary data, not projections): events (the source of truth), deliveries (launch idempotency keys), " +
                "webhook_deliveries (webhook delivery ids already handled), audit_checkpoints (signed audit checkpoints), schema_version (the migrations applied)",
        ], output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Equal(before, await RowsAsync(db, "SELECT row_to_json(t)::text FROM threads t ORDER BY id COLLATE \"C\""));
        Assert.Contains($"\"id\":\"{done}\",\"agent\":\"deploy\",\"status\":\"completed\"", before[0] + before[1]);
        Assert.Contains($"\"id\":\"{waiting}\",\"agent\":\"deploy\",\"status\":\"awaiting_human\"", before[0] + before[1]);
        Assert.Empty(await RowsAsync(db, "SELECT conversation_id FROM conversations"));
    }

    private static async Task<string> PendingApprovalAsync(HttpClient client, string threadId)
    {
        var view = await Poll.UntilAsync(() => client.GetFromJsonAsync<JsonElement>($"/api/threads/{threadId}"),
            v => v.GetProperty("pendingApprovals").GetArrayLength() > 0, what: "the deploy to ask for approval");
        return view.GetProperty("pendingApprovals")[0].GetProperty("id").GetString()!;
    }

    private static async Task<string?> StatusAsync(HttpClient client, string threadId) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/threads/{threadId}")).GetProperty("status").GetString();

    private static async Task<List<string>> RowsAsync(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
