using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatAgent.Bot.Tests.Support;
using Npgsql;

namespace ChatAgent.Bot.Tests.Audit;

/// <summary>
/// A thread deleted together with its row in the thread list leaves no trace in the chain walk; a signed checkpoint
/// (<c>POST /api/audit/checkpoints</c>, HMAC with <c>Audit__Key</c>) remembers it, and the checkpoints chain by MAC.
/// </summary>
public sealed class AuditCheckpointTests
{
    private const string Key = "audit-key-checkpoint-0123456789abcdef0123";

    private static Task<BotHost> StartAsync(bool keyed = true) =>
        BotHost.StartAsync(keyed ? new Dictionary<string, string?> { ["Audit:Key"] = Key } : null, postgres: true);

    [Fact]
    public async Task AThreadDeletedWithItsListRow_AfterACheckpoint_IsReportedDeleted()
    {
        await using var host = await StartAsync();
        await AuditTrailTests.ApprovedDeployAsync(host, "web:carol", "left alone");
        var id = await AuditTrailTests.ApprovedDeployAsync(host, "web:bob", "ok");
        var written = await CheckpointAsync(host);
        Assert.Equal(HttpStatusCode.OK, written.Status);
        var checkpoint = written.Report.GetProperty("checkpoint");
        Assert.Equal((1, 2), (checkpoint.GetProperty("number").GetInt32(), checkpoint.GetProperty("threads").GetInt32()));
        Assert.StartsWith("hmac:", checkpoint.GetProperty("mac").GetString());
        // Threads keep moving after a checkpoint: a new one is no finding.
        await AuditTrailTests.ApprovedDeployAsync(host, "web:carol", "after the checkpoint");
        Assert.Equal(HttpStatusCode.OK, (await VerifyAsync(host)).Status);

        await using var db = NpgsqlDataSource.Create(host.ConnectionString!);
        await ExecuteAsync(db, $"DELETE FROM events WHERE thread_id = '{id}'");
        await ExecuteAsync(db, $"DELETE FROM threads WHERE id = '{id}'");

        var (status, report) = await VerifyAsync(host);
        Assert.Equal(HttpStatusCode.Conflict, status);
        var finding = Assert.Single(report.GetProperty("findings").EnumerateArray());
        Assert.Equal((id, "deleted"), (finding.GetProperty("threadId").GetString(), finding.GetProperty("problem").GetString()));
        // A checkpoint is only written over a clean walk.
        Assert.Equal(HttpStatusCode.Conflict, (await CheckpointAsync(host)).Status);
        Assert.Equal(1L, await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM audit_checkpoints"));
    }

    [Fact]
    public async Task ACheckpointEditedToHideADeletion_IsReportedForged()
    {
        await using var host = await StartAsync();
        var id = await AuditTrailTests.ApprovedDeployAsync(host, "web:bob", "ok");
        Assert.Equal(HttpStatusCode.OK, (await CheckpointAsync(host)).Status);

        await using var db = NpgsqlDataSource.Create(host.ConnectionString!);
        await ExecuteAsync(db, $"DELETE FROM events WHERE thread_id = '{id}'");
        await ExecuteAsync(db, $"DELETE FROM threads WHERE id = '{id}'");
        await ExecuteAsync(db, "UPDATE audit_checkpoints SET threads = '[]'::jsonb");

        var (status, report) = await VerifyAsync(host);
        Assert.Equal(HttpStatusCode.Conflict, status);
        var finding = Assert.Single(report.GetProperty("findings").EnumerateArray());
        Assert.Equal(("checkpoint:1", "checkpoint_forged"), (finding.GetProperty("threadId").GetString(), finding.GetProperty("problem").GetString()));
    }

    [Fact]
    public async Task ACheckpointRemovedBeforeTheLatest_IsReportedRelinked()
    {
        await using var host = await StartAsync();
        await AuditTrailTests.ApprovedDeployAsync(host, "web:bob", "ok");
        Assert.Equal(HttpStatusCode.OK, (await CheckpointAsync(host)).Status);
        Assert.Equal(2, (await CheckpointAsync(host)).Report.GetProperty("checkpoint").GetProperty("number").GetInt32());

        await using var db = NpgsqlDataSource.Create(host.ConnectionString!);
        await ExecuteAsync(db, "DELETE FROM audit_checkpoints WHERE number = 1");

        var (status, report) = await VerifyAsync(host);
        Assert.Equal(HttpStatusCode.Conflict, status);
        var finding = Assert.Single(report.GetProperty("findings").EnumerateArray());
        Assert.Equal(("checkpoint:2", "checkpoint_relinked"), (finding.GetProperty("threadId").GetString(), finding.GetProperty("problem").GetString()));
    }

    [Fact]
    public async Task ACheckpoint_WithoutAuditKey_Is400_AndWritesNothing()
    {
        await using var host = await StartAsync(keyed: false);
        await AuditTrailTests.ApprovedDeployAsync(host, "web:bob", "ok");

        Assert.Equal(HttpStatusCode.BadRequest, (await host.Client.PostAsync("/api/audit/checkpoints", null)).StatusCode);
        await using var db = NpgsqlDataSource.Create(host.ConnectionString!);
        Assert.Equal(0L, await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM audit_checkpoints"));
    }

    [Fact]
    public async Task TheAuditRoutes_RefuseACallerWithoutAKey_AWrongKey_OrAForeignOrigin_AndWriteNothing()
    {
        await using var host = await BotHost.StartAsync(new Dictionary<string, string?>
        {
            ["Audit:Key"] = Key, ["Api:Keys:ops:Key"] = "k-ops-audit",
            // An API key makes the bot exposed, where the groups the shipped policies name must have members.
            ["Approvals:Groups:deployers:0"] = "web:dana", ["Approvals:Groups:sre-leads:0"] = "web:sam",
        }, postgres: true);

        foreach (var (method, path) in new[] { (HttpMethod.Post, "/api/audit/checkpoints"), (HttpMethod.Get, "/api/audit/verify") })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client.SendAsync(new HttpRequestMessage(method, path))).StatusCode);
            var wrong = new HttpRequestMessage(method, path);
            wrong.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "k-not-ours");
            Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client.SendAsync(wrong)).StatusCode);
        }
        var foreign = new HttpRequestMessage(HttpMethod.Post, "/api/audit/checkpoints");
        foreign.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "k-ops-audit");
        foreign.Headers.Add("Origin", "https://attacker.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Client.SendAsync(foreign)).StatusCode);

        await using var db = NpgsqlDataSource.Create(host.ConnectionString!);
        Assert.Equal(0L, await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM audit_checkpoints"));
    }

    private static async Task<(HttpStatusCode Status, JsonElement Report)> CheckpointAsync(BotHost host)
    {
        var response = await host.Client.PostAsync("/api/audit/checkpoints", null);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private static async Task<(HttpStatusCode Status, JsonElement Report)> VerifyAsync(BotHost host)
    {
        var response = await host.Client.GetAsync("/api/audit/verify");
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private static async Task ExecuteAsync(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        Assert.True(await command.ExecuteNonQueryAsync() > 0);
    }
}
