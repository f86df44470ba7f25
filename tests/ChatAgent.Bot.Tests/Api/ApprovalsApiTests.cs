using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.TestSupport;
using static ChatAgent.Bot.Tests.Security.Appended;

namespace ChatAgent.Bot.Tests.Api;

/// <summary>
/// <c>GET /api/approvals</c> over real HTTP on PostgreSQL, with API keys (exposed mode) and two deployers, alice and bob:
/// a person's inbox lists the pending approvals they may decide now, with their thread, what the allow button offers,
/// and nothing else — not their own request (the policy refuses self-approval), nothing for someone who is not an
/// approver, nothing once decided. A key asks only for identities it was granted.
/// </summary>
public sealed class ApprovalsApiTests
{
    private const string Chat = "chat-key-7c41"; // may act as any web: person
    private const string Ci = "ci-key-2b88"; // acts as api:ci only

    [Fact]
    public async Task TheInbox_ListsWhatThePersonMayDecide_NotTheirOwnRequest_AndOnlyForAGrantedIdentity()
    {
        using var agents = SampleAgents.WithToolsLine("      confirm: true\n", "      confirm: true\n      grants: {on: [service], max_for: 2h}\n");
        await using var host = await BotHost.StartAsync(new Dictionary<string, string?>
        {
            ["Agents:Path"] = agents.Path,
            ["Api:Keys:chat:Key"] = Chat,
            ["Api:Keys:chat:ActAs:0"] = "web:*",
            ["Api:Keys:ci:Key"] = Ci,
            ["Approvals:Groups:deployers:0"] = "web:alice",
            ["Approvals:Groups:deployers:1"] = "web:bob",
            ["Approvals:Groups:sre-leads:0"] = "web:sre", // the escalation group: exposed mode wants every group filled
        }, postgres: true);
        var launch = await host.Client.SendAsync(Json(HttpMethod.Post, "/api/threads", new { agent = "deploy", input = "api to production", user = "web:alice" }, Chat));
        Assert.Equal(HttpStatusCode.Accepted, launch.StatusCode);
        var id = (await launch.ReadJsonAsync()).GetProperty("id").GetString()!;
        var pending = await Poll.UntilAsync(async () => await InboxAsync(host, "web:bob", Chat), items => items.Length == 1, what: "the deploy in bob's inbox");

        var item = Assert.Single(pending);
        Assert.Equal((id, "deploy", "awaiting_human"),
            (item.GetProperty("threadId").GetString(), item.GetProperty("agent").GetString(), item.GetProperty("status").GetString()));
        var approval = item.GetProperty("approval");
        Assert.Equal(("deploy_to_production", "web:alice", "1h"),
            (approval.GetProperty("tool").GetString(), approval.GetProperty("requestedBy").GetString(), approval.GetProperty("allowFor").GetString()));
        Assert.Equal(["group:deployers"], approval.GetProperty("approvers").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("""{"service":"api","version":"1.4.2"}""", approval.GetProperty("parameters").GetRawText());
        var view = await host.Client.SendAsync(Bearer(HttpMethod.Get, $"/api/threads/{id}", Chat));
        Assert.Equal((await view.ReadJsonAsync()).GetProperty("pendingApprovals")[0].GetRawText(), approval.GetRawText());

        // Alice is a deployer too, but it is her own request; carol is no approver.
        Assert.Empty(await InboxAsync(host, "web:alice", Chat));
        Assert.Empty(await InboxAsync(host, "web:carol", Chat));

        // A key asking for someone it was not granted, and no key at all.
        var claimed = await host.Client.SendAsync(Bearer(HttpMethod.Get, "/api/approvals?user=web:bob", Ci));
        Assert.Equal((HttpStatusCode.Forbidden, "identity.not_granted"), (claimed.StatusCode, (await claimed.ReadJsonAsync()).GetProperty("code").GetString()));
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client.GetAsync("/api/approvals?user=web:bob")).StatusCode);
        // The key as itself is no approver either.
        Assert.Empty((await (await host.Client.SendAsync(Bearer(HttpMethod.Get, "/api/approvals", Ci))).Content.ReadFromJsonAsync<JsonElement[]>())!);

        // Decided by bob: gone from his inbox.
        var decided = await host.Client.SendAsync(Json(HttpMethod.Post, $"/api/threads/{id}/approvals/{approval.GetProperty("id").GetString()}",
            new { decision = "approve", user = "web:bob" }, Chat));
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        Assert.Empty(await InboxAsync(host, "web:bob", Chat));
    }

    private static async Task<JsonElement[]> InboxAsync(BotHost host, string user, string key)
    {
        var response = await host.Client.SendAsync(Bearer(HttpMethod.Get, $"/api/approvals?user={Uri.EscapeDataString(user)}", key));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement[]>())!;
    }

    private static HttpRequestMessage Bearer(HttpMethod method, string path, string key) =>
        new(method, path) { Headers = { Authorization = new("Bearer", key) } };
}
