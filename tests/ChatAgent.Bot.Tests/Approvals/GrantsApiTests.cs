using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.TestSupport;

namespace ChatAgent.Bot.Tests.Approvals;

/// <summary>
/// Standing grants over REST on PostgreSQL with the shipped <c>deploy</c> agent (its production deploy made grantable on
/// <c>service</c>) and its real scripts: "approve and allow for 1 h" lets the next deploy of the same service by someone
/// else run without asking (decided by the grant, which the events and the audit name), and nothing else: another
/// service, the grantor's own request, or any request after the grant is revoked still asks. The refusals append nothing.
/// </summary>
public sealed class GrantsApiTests
{
    private static readonly Dictionary<string, string?> Deployers = new() { ["Approvals:Groups:deployers:0"] = "web:dana" };

    private static TempDirectory GrantableAgents() =>
        SampleAgents.WithToolsLine("      confirm: true\n", "      confirm: true\n      grants: {on: [service], max_for: 2h}\n");

    private static async Task<JsonElement[]> EventsAsync(BotHost host, string id) =>
        (await host.Client.GetFromJsonAsync<JsonElement[]>($"/api/threads/{id}/events"))!;

    private static string Type(JsonElement e) => e.GetProperty("type").GetString()!;

    private static async Task<string> PendingApprovalAsync(BotHost host, string id) =>
        (await host.WaitForStatusAsync(id, "awaiting_human")).GetProperty("pendingApprovals")[0].GetProperty("id").GetString()!;

    private static Task<HttpResponseMessage> DecideAsync(BotHost host, string id, string approvalId, object body) =>
        host.Client.PostAsJsonAsync($"/api/threads/{id}/approvals/{approvalId}", body);

    [Fact]
    public async Task AGrant_LetsTheSameServiceDeployByOthers_UntilRevoked_AndNothingElse()
    {
        using var agents = GrantableAgents();
        await using var host = await BotHost.StartAsync(new Dictionary<string, string?>(Deployers) { ["Agents:Path"] = agents.Path }, postgres: true);
        var first = await host.LaunchAsync("deploy", "api to production", user: "web:alice");
        var approvalId = await PendingApprovalAsync(host, first);

        var allowed = await DecideAsync(host, first, approvalId, new { decision = "approve", user = "web:dana", allowFor = "1h", comment = "release day" });
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        await host.WaitForStatusAsync(first, "completed");
        var grant = Assert.Single((await host.Client.GetFromJsonAsync<JsonElement[]>("/api/grants"))!);
        var grantId = grant.GetProperty("id").GetString()!;
        Assert.Equal(("live", "deploy_to_production", """{"service":"api"}""", "web:dana", first, approvalId, "release day"),
            (grant.GetProperty("status").GetString(), grant.GetProperty("tool").GetString(), grant.GetProperty("constraints").GetRawText(),
             grant.GetProperty("grantedBy").GetString(), grant.GetProperty("threadId").GetString(), grant.GetProperty("approvalId").GetString(),
             grant.GetProperty("comment").GetString()));
        var lasts = grant.GetProperty("expiresAt").GetDateTimeOffset() - grant.GetProperty("createdAt").GetDateTimeOffset();
        Assert.InRange(lasts, TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));

        // Bob's deploy of api runs without asking: decided by Dana's grant, and the script deployed it.
        var covered = await host.LaunchAsync("deploy", "api to production", user: "web:bob");
        await host.WaitForStatusAsync(covered, "completed");
        var decided = (await EventsAsync(host, covered)).Single(e => Type(e) == "approval_decided");
        Assert.Equal((grantId, "web:dana", "approve"),
            (decided.GetProperty("data").GetProperty("grant").GetString(), decided.GetProperty("actor").GetProperty("id").GetString(), decided.GetProperty("data").GetProperty("decision").GetString()));
        var byGrant = Assert.Single((await host.StateAsync(covered)).GetProperty("settledApprovals")[0].GetProperty("votes").EnumerateArray());
        Assert.Equal((grantId, "web:dana"), (byGrant.GetProperty("grant").GetString(), byGrant.GetProperty("by").GetString()));
        var log = await File.ReadAllLinesAsync(Path.Combine(host.DataDir, "releases.log"));
        Assert.Equal(2, log.Count(l => l.Contains(" tool=deploy_to_production service=api env=production ")));
        var audit = await host.Client.GetStringAsync("/api/audit");
        Assert.Contains("approved_by_grant", audit);

        // Not covered: another service, and the grantor's own request.
        var web = await host.LaunchAsync("deploy", "web to production", user: "web:bob");
        await PendingApprovalAsync(host, web);
        var own = await host.LaunchAsync("deploy", "api to production", user: "web:dana");
        await PendingApprovalAsync(host, own);

        // Revoking: not by someone who is neither the grantor, an approver nor an operator; then by Dana, once.
        var refused = await host.Client.DeleteAsync($"/api/grants/{grantId}?user=web:mallory");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("grant.not_allowed", (await refused.ReadJsonAsync()).GetProperty("code").GetString());
        Assert.Equal("live", (await host.Client.GetFromJsonAsync<JsonElement[]>("/api/grants"))![0].GetProperty("status").GetString());
        var revoked = await host.Client.DeleteAsync($"/api/grants/{grantId}?user=web:dana&reason=freeze");
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        var view = await revoked.ReadJsonAsync();
        Assert.Equal(("revoked", "web:dana"), (view.GetProperty("status").GetString(), view.GetProperty("revokedBy").GetString()));
        var again = await host.Client.DeleteAsync($"/api/grants/{grantId}?user=web:dana");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Single((await EventsAsync(host, first)), e => Type(e) == "grant_revoked");
        Assert.Empty((await host.Client.GetFromJsonAsync<JsonElement[]>("/api/grants"))!);
        Assert.Single((await host.Client.GetFromJsonAsync<JsonElement[]>("/api/grants?all=true"))!);

        // After the revocation the same deploy asks again.
        var after = await host.LaunchAsync("deploy", "api to production", user: "web:bob");
        await PendingApprovalAsync(host, after);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.DeleteAsync("/api/grants/gr_nope?user=web:dana")).StatusCode);
    }

    [Fact]
    public async Task Refusals_AppendNothing_AndSayWhy()
    {
        using var agents = GrantableAgents();
        await using var host = await BotHost.StartAsync(new Dictionary<string, string?>(Deployers) { ["Agents:Path"] = agents.Path }, postgres: true);
        var id = await host.LaunchAsync("deploy", "api to production", user: "web:alice");
        var approvalId = await PendingApprovalAsync(host, id);
        var before = (await EventsAsync(host, id)).Length;

        foreach (var (body, status, code) in new (object, HttpStatusCode, string?)[]
        {
            (new { decision = "approve", user = "web:dana", allowFor = "3h" }, HttpStatusCode.BadRequest, "grant.too_long"),
            (new { decision = "approve", user = "web:dana", allowFor = "soon" }, HttpStatusCode.BadRequest, null),
            (new { decision = "deny", user = "web:dana", allowFor = "1h" }, HttpStatusCode.BadRequest, null),
            (new { decision = "approve", user = "web:alice", allowFor = "1h" }, HttpStatusCode.Forbidden, "approval.self"),
            (new { decision = "approve", user = "web:mallory", allowFor = "1h" }, HttpStatusCode.Forbidden, "approval.not_allowed"),
        })
        {
            var response = await DecideAsync(host, id, approvalId, body);
            Assert.Equal(status, response.StatusCode);
            if (code is not null) Assert.Equal(code, (await response.ReadJsonAsync()).GetProperty("code").GetString());
        }
        Assert.Equal(before, (await EventsAsync(host, id)).Length);
        Assert.Empty((await host.Client.GetFromJsonAsync<JsonElement[]>("/api/grants?all=true"))!);
    }

    [Fact]
    public async Task TheShippedProductionDeploy_IsNotGrantable()
    {
        await using var host = await BotHost.StartAsync(Deployers, postgres: true);
        var id = await host.LaunchAsync("deploy", "api to production", user: "web:alice");
        var approvalId = await PendingApprovalAsync(host, id);
        var before = (await EventsAsync(host, id)).Length;

        var response = await DecideAsync(host, id, approvalId, new { decision = "approve", user = "web:dana", allowFor = "1h" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("grant.not_grantable", (await response.ReadJsonAsync()).GetProperty("code").GetString());
        Assert.Equal(before, (await EventsAsync(host, id)).Length);
    }
}
