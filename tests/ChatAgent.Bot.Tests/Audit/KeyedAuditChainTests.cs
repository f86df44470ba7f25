using System.Net.Http.Json;
using System.Text.Json;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.Core.Audit;
using Npgsql;

namespace ChatAgent.Bot.Tests.Audit;

/// <summary>
/// With <c>Audit__Key</c> the chain is HMAC-SHA256: someone who can write the database but lacks the key can edit a
/// thread and re-seal it with plain SHA-256 (which the unkeyed chain cannot tell apart), and the verifier still says so.
/// </summary>
public sealed class KeyedAuditChainTests
{
    private const string Key = "audit-key-0123456789abcdef0123456789abcdef";

    private static Task<BotHost> StartAsync() => BotHost.StartAsync(new Dictionary<string, string?> { ["Audit:Key"] = Key }, postgres: true);

    [Fact]
    public async Task AThreadEditedAndReSealedWithoutTheKey_IsReported()
    {
        await using var host = await StartAsync();
        await AuditTrailTests.ApprovedDeployAsync(host, "web:carol", "earlier, left alone");
        var id = await AuditTrailTests.ApprovedDeployAsync(host, "web:bob", "ok");
        await using var db = NpgsqlDataSource.Create(host.ConnectionString!);
        Assert.StartsWith(AuditHash.KeyedPrefix, await Sql.ScalarAsync<string>(db, $"SELECT hash FROM events WHERE thread_id = '{id}' AND seq = 1"));
        Assert.True((await VerifyAsync(host)).GetProperty("ok").GetBoolean());

        // The attacker's edit, then the whole thread re-sealed as the unkeyed chain would be (which it cannot tell from
        // the real thing); the other thread, sealed with the key earlier, shows keyed sealing had begun.
        await ExecuteAsync(db, $"UPDATE events SET data = jsonb_set(data, '{{comment}}', '\"approved by nobody\"') WHERE thread_id = '{id}' AND type = 'approval_decided'");
        string? previous = null;
        foreach (var (seq, type, data, actor, at) in await RowsAsync(db, id))
        {
            var seal = AuditHash.Compute(previous, id, seq, type, data, actor, at);
            await ExecuteAsync(db, $"UPDATE events SET prev_hash = {(previous is null ? "NULL" : $"'{previous}'")}, hash = '{seal}' WHERE thread_id = '{id}' AND seq = {seq}");
            previous = seal;
        }

        var report = await VerifyAsync(host);
        Assert.False(report.GetProperty("ok").GetBoolean());
        var finding = Assert.Single(report.GetProperty("findings").EnumerateArray());
        Assert.Equal((id, "unkeyed"), (finding.GetProperty("threadId").GetString(), finding.GetProperty("problem").GetString()));
    }

    [Fact]
    public async Task AThreadInsertedWithoutSeals_AfterSealingBegan_IsReported()
    {
        await using var host = await StartAsync();
        var id = await AuditTrailTests.ApprovedDeployAsync(host, "web:bob", null);
        await using var db = NpgsqlDataSource.Create(host.ConnectionString!);
        await ExecuteAsync(db, $"""
            INSERT INTO events (thread_id, seq, type, data, actor, at, prev_hash, hash)
            SELECT 'th_forged', seq, type, data, actor, now(), NULL, NULL FROM events WHERE thread_id = '{id}'
            """);

        var report = await VerifyAsync(host);
        var finding = Assert.Single(report.GetProperty("findings").EnumerateArray());
        Assert.Equal(("th_forged", "unsealed"), (finding.GetProperty("threadId").GetString(), finding.GetProperty("problem").GetString()));
    }

    private static async Task<JsonElement> VerifyAsync(BotHost host) =>
        await (await host.Client.GetAsync("/api/audit/verify")).Content.ReadFromJsonAsync<JsonElement>();

    private static async Task<List<(long, string, string, string, DateTimeOffset)>> RowsAsync(NpgsqlDataSource db, string id)
    {
        var rows = new List<(long, string, string, string, DateTimeOffset)>();
        await using var command = db.CreateCommand($"SELECT seq, type, data::text, actor::text, at FROM events WHERE thread_id = '{id}' ORDER BY seq");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), new DateTimeOffset(reader.GetFieldValue<DateTime>(4))));
        return rows;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        Assert.True(await command.ExecuteNonQueryAsync() > 0);
    }
}
