using System.Net;
using System.Text.Json;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.TestSupport;
using static ChatAgent.Bot.Tests.Security.Appended;

namespace ChatAgent.Bot.Tests.Security;

/// <summary>REST identities are granted to a key, never claimed in the body.</summary>
public sealed class RestIdentityTests
{
    private const string Ci = "ci-key-3f9a";
    private const string Chat = "chat-key-81bc";
    private const string Bridge = "bridge-key-5d20";

    private static Task<BotHost> StartAsync() => BotHost.StartAsync(new Dictionary<string, string?>
    {
        ["Api:Keys:ci:Key"] = Ci,
        ["Api:Keys:chat:Key"] = Chat,
        ["Api:Keys:chat:ActAs:0"] = "web:*",
        ["Api:Keys:bridge:Key"] = Bridge,
        ["Api:Keys:bridge:ActAs:0"] = "slack:UDEPLOYER",
        ["Approvals:Groups:deployers:0"] = "slack:UDEPLOYER",
        ["Approvals:Groups:sre-leads:0"] = "slack:USRE",
    }, postgres: true);

    private static async Task<(string Thread, string Approval)> WaitingDeployAsync(BotHost host, string key)
    {
        var launch = await host.Client.SendAsync(Json(HttpMethod.Post, "/api/threads", new { agent = "deploy", input = "api to production" }, key));
        Assert.Equal(HttpStatusCode.Accepted, launch.StatusCode);
        var id = (await launch.ReadJsonAsync()).GetProperty("id").GetString()!;
        var waiting = await Poll.UntilAsync(() => StateAsync(host, id, key), s => s.GetProperty("status").GetString() == "awaiting_human", what: "the approval request");
        return (id, waiting.GetProperty("pendingApprovals")[0].GetProperty("id").GetString()!);
    }

    private static async Task<JsonElement> StateAsync(BotHost host, string id, string key) =>
        await (await host.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/threads/{id}") { Headers = { Authorization = new("Bearer", key) } })).ReadJsonAsync();

    [Fact]
    public async Task ApiKeyHolder_ApprovingAsTheDeployer_Is403_AndAppendsNothing()
    {
        await using var host = await StartAsync();
        var (id, approval) = await WaitingDeployAsync(host, Ci);
        Assert.Equal("api:ci", (await StateAsync(host, id, Ci)).GetProperty("requestedBy").GetString());
        var before = await EventCountAsync(host, id);

        foreach (var key in new[] { Ci, Chat })
        {
            var forged = await host.Client.SendAsync(Json(HttpMethod.Post, $"/api/threads/{id}/approvals/{approval}", new { decision = "approve", user = "slack:UDEPLOYER" }, key));
            Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
            Assert.Equal("identity.not_granted", (await forged.ReadJsonAsync()).GetProperty("code").GetString());
        }
        Assert.Equal(before, await EventCountAsync(host, id));
        Assert.Equal("awaiting_human", (await StateAsync(host, id, Ci)).GetProperty("status").GetString());

        // A key granted that identity may act as it.
        var granted = await host.Client.SendAsync(Json(HttpMethod.Post, $"/api/threads/{id}/approvals/{approval}", new { decision = "approve", user = "slack:UDEPLOYER" }, Bridge));
        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
    }

    [Fact]
    public async Task LaunchingOrSteeringAsAnIdentityNotGranted_Is403_AndAppendsNothing()
    {
        await using var host = await StartAsync();
        var (id, _) = await WaitingDeployAsync(host, Ci);
        var threads = await ThreadCountAsync(host);
        var events = await EventCountAsync(host, id);

        var launch = await host.Client.SendAsync(Json(HttpMethod.Post, "/api/threads", new { agent = "deploy", input = "api to production", user = "slack:UDEPLOYER" }, Chat));
        Assert.Equal(HttpStatusCode.Forbidden, launch.StatusCode);
        var pause = await host.Client.SendAsync(Json(HttpMethod.Post, $"/api/threads/{id}/pause", new { user = "slack:UDEPLOYER" }, Ci));
        Assert.Equal(HttpStatusCode.Forbidden, pause.StatusCode);
        var webchat = await host.Client.SendAsync(Json(HttpMethod.Post, "/webchat/commands", new { line = "deploy api to production", user = "mallory" }, Ci));
        Assert.Equal(HttpStatusCode.Forbidden, webchat.StatusCode);

        Assert.Equal(threads, await ThreadCountAsync(host));
        Assert.Equal(events, await EventCountAsync(host, id));
    }

    [Fact]
    public async Task LegacyKeyZero_StillWorks_AsTheKeyItself()
    {
        await using var host = await BotHost.StartAsync(new Dictionary<string, string?>
        {
            ["Api:Keys:0"] = "legacy-secret", ["Approvals:Groups:deployers:0"] = "web:dana", ["Approvals:Groups:sre-leads:0"] = "web:sam",
        });
        var launch = await host.Client.SendAsync(Json(HttpMethod.Post, "/api/threads", new { agent = "deploy", input = "api to staging" }, "legacy-secret"));
        Assert.Equal(HttpStatusCode.Accepted, launch.StatusCode);
        Assert.Equal("api:0", (await launch.ReadJsonAsync()).GetProperty("requestedBy").GetString());
        var named = await host.Client.SendAsync(Json(HttpMethod.Post, "/api/threads", new { agent = "deploy", input = "api to staging", user = "web:dana" }, "legacy-secret"));
        Assert.Equal(HttpStatusCode.Forbidden, named.StatusCode);
    }

    [Fact]
    public async Task KeylessLoopback_MayNameWebIdentitiesOnly()
    {
        await using var host = await BotHost.StartAsync(postgres: true);
        var slack = await host.Client.SendAsync(Json(HttpMethod.Post, "/api/threads", new { agent = "deploy", input = "api to staging", user = "slack:UDEPLOYER" }));
        Assert.Equal(HttpStatusCode.Forbidden, slack.StatusCode);
        Assert.Equal(0, await ThreadCountAsync(host));
        var web = await host.Client.SendAsync(Json(HttpMethod.Post, "/api/threads", new { agent = "deploy", input = "api to staging", user = "web:alice" }));
        Assert.Equal(HttpStatusCode.Accepted, web.StatusCode);
    }

    /// <summary>The read routes (a thread's view, its time travel, reliability) refuse a caller without a key or with a wrong one and tell nothing; in local mode they refuse a foreign Host.</summary>
    [Fact]
    public async Task ReadRoutes_WithoutAKey_WithAWrongKey_OrAForeignHost_AreRefused_AndShowNothing()
    {
        await using var host = await StartAsync();
        var (id, _) = await WaitingDeployAsync(host, Ci);
        var before = await EventCountAsync(host, id);

        foreach (var path in new[] { $"/api/threads/{id}", $"/api/threads/{id}/state?at=2", "/api/reliability" })
        {
            var none = await host.Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
            var wrong = await host.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, path) { Headers = { Authorization = new("Bearer", "not-a-key") } });
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            foreach (var refused in new[] { none, wrong })
                Assert.DoesNotContain(id, await refused.Content.ReadAsStringAsync());
        }
        Assert.Equal(before, await EventCountAsync(host, id));

        // Local mode (no keys): the routes answer loopback hosts only, so a page on another name cannot read them.
        await using var local = await BotHost.StartAsync();
        foreach (var path in new[] { "/api/threads/th_x", "/api/threads/th_x/state?at=1", "/api/reliability" })
        {
            var foreign = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { Host = "evil.example" } };
            Assert.Equal(HttpStatusCode.BadRequest, (await local.Client.SendAsync(foreign)).StatusCode);
        }
    }
}
