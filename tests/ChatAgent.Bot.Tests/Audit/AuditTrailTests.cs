using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.TestSupport;
using Npgsql;

namespace ChatAgent.Bot.Tests.Audit;

public sealed class AuditTrailTests
{
    [Fact]
    public async Task Export_ListsEachDecision_WithWhoWhenToolHashAndPolicy()
    {
        await using var host = await BotHost.StartAsync(postgres: true);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var id = await ApprovedDeployAsync(host, "web:bob", "ship it");

        var lines = await ExportAsync(host, $"from={Uri.EscapeDataString(before.ToString("O"))}&to={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddSeconds(1).ToString("O"))}");

        var line = Assert.Single(lines, l => l.GetProperty("threadId").GetString() == id);
        Assert.Equal("approved", line.GetProperty("decision").GetString());
        Assert.Equal("web:bob", line.GetProperty("actorId").GetString());
        Assert.Equal("deploy_to_production", line.GetProperty("tool").GetString());
        Assert.Equal("ship it", line.GetProperty("comment").GetString());
        Assert.Equal(64, line.GetProperty("parametersHash").GetString()!.Length);
        Assert.Equal(JsonValueKind.Object, line.GetProperty("policy").ValueKind);
        Assert.True(line.GetProperty("at").GetDateTimeOffset() >= before);
        Assert.Empty(await ExportAsync(host, $"from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O"))}"));
    }

    [Fact]
    public async Task Verify_NamesTheAlteredRow_AndTheRemovedRow_AfterDirectEditsInPostgres()
    {
        await using var host = await BotHost.StartAsync(postgres: true);
        var altered = await ApprovedDeployAsync(host, "web:bob", "ok");
        var removed = await ApprovedDeployAsync(host, "web:carol", "fine");
        var intact = await host.Client.GetAsync("/api/audit/verify");
        Assert.Equal(HttpStatusCode.OK, intact.StatusCode);
        Assert.True((await intact.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ok").GetBoolean());

        await using var db = NpgsqlDataSource.Create(host.ConnectionString!);
        var decidedSeq = await Sql.ScalarAsync<long>(db, $"SELECT seq FROM events WHERE thread_id = '{altered}' AND type = 'approval_decided'");
        await ExecuteAsync(db, $"UPDATE events SET data = jsonb_set(data, '{{comment}}', '\"approved by nobody\"') WHERE thread_id = '{altered}' AND seq = {decidedSeq}");
        var sealOfDeleted = await Sql.ScalarAsync<string>(db, $"SELECT hash FROM events WHERE thread_id = '{removed}' AND seq = 3");
        await ExecuteAsync(db, $"DELETE FROM events WHERE thread_id = '{removed}' AND seq = 3");

        var response = await host.Client.GetAsync("/api/audit/verify");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var report = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(report.GetProperty("ok").GetBoolean());
        var findings = report.GetProperty("findings").EnumerateArray().ToList();
        Assert.Equal(2, findings.Count);
        var edit = Assert.Single(findings, f => f.GetProperty("threadId").GetString() == altered);
        Assert.Equal("altered", edit.GetProperty("problem").GetString());
        Assert.Equal(decidedSeq, edit.GetProperty("seq").GetInt64());
        Assert.NotEqual(edit.GetProperty("expectedHash").GetString(), edit.GetProperty("foundHash").GetString());
        var gap = Assert.Single(findings, f => f.GetProperty("threadId").GetString() == removed);
        Assert.Equal("removed", gap.GetProperty("problem").GetString());
        Assert.Equal(3, gap.GetProperty("seq").GetInt64());
        Assert.Equal(sealOfDeleted, gap.GetProperty("expectedHash").GetString());
    }

    [Fact]
    public async Task Verify_NamesATruncatedTail_AgainstTheThreadList()
    {
        await using var host = await BotHost.StartAsync(postgres: true);
        var id = await ApprovedDeployAsync(host, "web:bob", null);
        await using var db = NpgsqlDataSource.Create(host.ConnectionString!);
        var last = await Sql.ScalarAsync<long>(db, $"SELECT max(seq) FROM events WHERE thread_id = '{id}'");
        await ExecuteAsync(db, $"DELETE FROM events WHERE thread_id = '{id}' AND seq = {last}");

        var report = await (await host.Client.GetAsync("/api/audit/verify")).Content.ReadFromJsonAsync<JsonElement>();

        var finding = Assert.Single(report.GetProperty("findings").EnumerateArray());
        Assert.Equal(("removed", last), (finding.GetProperty("problem").GetString(), finding.GetProperty("seq").GetInt64()));
    }

    /// <summary>Launches a deploy over the REST API, approves it as <paramref name="approver"/>, and waits for it to complete.</summary>
    internal static async Task<string> ApprovedDeployAsync(BotHost host, string approver, string? comment)
    {
        var launch = await host.Client.PostAsJsonAsync("/api/threads", new { agent = "deploy", input = "api to production", user = "web:alice" });
        launch.EnsureSuccessStatusCode();
        var id = (await launch.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var waiting = await Poll.UntilAsync(() => host.Client.GetFromJsonAsync<JsonElement>($"/api/threads/{id}"),
            s => s.GetProperty("status").GetString() == "awaiting_human", what: "the approval request");
        var approvalId = waiting.GetProperty("pendingApprovals")[0].GetProperty("id").GetString();
        var decide = await host.Client.PostAsJsonAsync($"/api/threads/{id}/approvals/{approvalId}", new { decision = "approve", user = approver, comment });
        decide.EnsureSuccessStatusCode();
        await Poll.UntilAsync(() => host.Client.GetFromJsonAsync<JsonElement>($"/api/threads/{id}"),
            s => s.GetProperty("status").GetString() == "completed", what: "completion");
        return id;
    }

    private static async Task<List<JsonElement>> ExportAsync(BotHost host, string query)
    {
        var response = await host.Client.GetAsync("/api/audit?" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType!.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
    }

    private static async Task ExecuteAsync(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
