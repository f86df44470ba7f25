using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using ChatAgent.TestSupport;
using static ChatAgent.Bot.Tests.Security.Appended;

namespace ChatAgent.Bot.Tests.Security;

/// <summary>
/// The grant routes as an attacker calls them: no key, a key claiming the deployer it was not granted, a key acting as
/// itself (neither grantor nor approver), a cross-site request. Each is refused, and the grant stays live with nothing
/// appended; only the key granted the deployer's identity may grant or revoke as them.
/// </summary>
public sealed class GrantRouteAttackTests
{
    private const string Ci = "ci-key-3f9a";
    private const string Bridge = "bridge-key-5d20";

    [Fact]
    public async Task NobodyButWhoMay_CanGrantOrRevoke_AndARefusalAppendsNothing()
    {
        using var agents = SampleAgents.WithToolsLine("      confirm: true\n", "      confirm: true\n      grants: {on: [service], max_for: 2h}\n");
        await using var host = await BotHost.StartAsync(new Dictionary<string, string?>
        {
            ["Agents:Path"] = agents.Path,
            ["Api:Keys:ci:Key"] = Ci,
            ["Api:Keys:bridge:Key"] = Bridge,
            ["Api:Keys:bridge:ActAs:0"] = "slack:UDEPLOYER",
            ["Approvals:Groups:deployers:0"] = "slack:UDEPLOYER",
            ["Approvals:Groups:sre-leads:0"] = "slack:USRE",
        }, postgres: true);
        var launch = await host.Client.SendAsync(Json(HttpMethod.Post, "/api/threads", new { agent = "deploy", input = "api to production" }, Ci));
        var id = (await launch.ReadJsonAsync()).GetProperty("id").GetString()!;
        var threads = host.Get<ThreadService>();
        var waiting = await Poll.UntilAsync(() => threads.GetStateAsync(id), s => s!.PendingApprovals.Count == 1, what: "the approval request");
        var approval = waiting!.PendingApprovals[0].Id;

        // Granting as the deployer with a key that was not granted their identity: refused, no grant.
        var before = await EventCountAsync(host, id);
        var forged = await host.Client.SendAsync(Json(HttpMethod.Post, $"/api/threads/{id}/approvals/{approval}",
            new { decision = "approve", allowFor = "1h", user = "slack:UDEPLOYER" }, Ci));
        Assert.Equal((HttpStatusCode.Forbidden, "identity.not_granted"), (forged.StatusCode, (await forged.ReadJsonAsync()).GetProperty("code").GetString()));
        Assert.Equal(before, await EventCountAsync(host, id));

        var granted = await host.Client.SendAsync(Json(HttpMethod.Post, $"/api/threads/{id}/approvals/{approval}",
            new { decision = "approve", allowFor = "1h", user = "slack:UDEPLOYER" }, Bridge));
        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        var grantId = Assert.Single(await threads.ListGrantsAsync()).Id;
        // The approved deploy runs to its end before the attacks, so any later event would be theirs.
        await Poll.UntilAsync(() => threads.GetStateAsync(id), s => s!.Status == Core.Threads.ThreadStatus.Completed, what: "the approved deploy to end");
        var settled = await EventCountAsync(host, id);

        // No key: neither the list nor a revocation.
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client.GetAsync("/api/grants")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client.DeleteAsync($"/api/grants/{grantId}?user=slack:UDEPLOYER")).StatusCode);
        // A key claiming the grantor it was not granted, and a key acting as itself (no grantor, approver or operator).
        var claimed = await host.Client.SendAsync(Bearer(HttpMethod.Delete, $"/api/grants/{grantId}?user=slack:UDEPLOYER", Ci));
        Assert.Equal((HttpStatusCode.Forbidden, "identity.not_granted"), (claimed.StatusCode, (await claimed.ReadJsonAsync()).GetProperty("code").GetString()));
        var itself = await host.Client.SendAsync(Bearer(HttpMethod.Delete, $"/api/grants/{grantId}", Ci));
        Assert.Equal((HttpStatusCode.Forbidden, "grant.not_allowed"), (itself.StatusCode, (await itself.ReadJsonAsync()).GetProperty("code").GetString()));
        // A cross-site request carrying the right key.
        var cross = Bearer(HttpMethod.Delete, $"/api/grants/{grantId}?user=slack:UDEPLOYER", Bridge);
        cross.Headers.Add("Origin", "http://attacker.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Client.SendAsync(cross)).StatusCode);

        Assert.Equal(settled, await EventCountAsync(host, id));
        Assert.DoesNotContain(await threads.GetEventsAsync(id), e => e.Data is GrantRevoked);
        var listed = await host.Client.SendAsync(Bearer(HttpMethod.Get, "/api/grants", Ci));
        Assert.Equal("live", Assert.Single((await listed.Content.ReadFromJsonAsync<JsonElement[]>())!).GetProperty("status").GetString());

        // The key granted the grantor's identity may revoke.
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(Bearer(HttpMethod.Delete, $"/api/grants/{grantId}?user=slack:UDEPLOYER", Bridge))).StatusCode);
        Assert.Empty(await threads.ListGrantsAsync());
    }

    private static HttpRequestMessage Bearer(HttpMethod method, string path, string key) =>
        new(method, path) { Headers = { Authorization = new("Bearer", key) } };
}
