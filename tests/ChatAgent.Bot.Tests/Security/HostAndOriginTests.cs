using System.Net;
using ChatAgent.Bot.Tests.Support;
using static ChatAgent.Bot.Tests.Security.Appended;

namespace ChatAgent.Bot.Tests.Security;

/// <summary>DNS rebinding (a foreign <c>Host</c>) and cross-site posts (a foreign <c>Origin</c>) launch nothing.</summary>
public sealed class HostAndOriginTests
{
    private static readonly object Launch = new { agent = "deploy", input = "api to production", user = "web:alice" };

    [Fact]
    public async Task LocalMode_AForeignHostName_IsRefused_AndLaunchesNothing()
    {
        await using var host = await BotHost.StartAsync(postgres: true);
        var rebound = Json(HttpMethod.Post, "/api/threads", Launch);
        rebound.Headers.Host = "attacker.example";
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Client.SendAsync(rebound)).StatusCode);
        Assert.Equal(0, await ThreadCountAsync(host));

        var local = Json(HttpMethod.Post, "/api/threads", Launch);
        local.Headers.Host = $"localhost:{host.BaseAddress.Port}";
        Assert.Equal(HttpStatusCode.Accepted, (await host.Client.SendAsync(local)).StatusCode);
    }

    [Fact]
    public async Task AForeignOrigin_OnAStateChangingRequest_Is403_AndLaunchesNothing()
    {
        await using var host = await BotHost.StartAsync(postgres: true);
        foreach (var path in new[] { "/api/threads", "/webchat/commands" })
        {
            var cross = Json(HttpMethod.Post, path, Launch);
            cross.Headers.Add("Origin", "http://attacker.example");
            Assert.Equal(HttpStatusCode.Forbidden, (await host.Client.SendAsync(cross)).StatusCode);
            var opaque = Json(HttpMethod.Post, path, Launch);
            opaque.Headers.Add("Origin", "null");
            Assert.Equal(HttpStatusCode.Forbidden, (await host.Client.SendAsync(opaque)).StatusCode);
        }
        Assert.Equal(0, await ThreadCountAsync(host));

        // The web chat's own page sends its own origin.
        var own = Json(HttpMethod.Post, "/api/threads", Launch);
        own.Headers.Add("Origin", $"http://127.0.0.1:{host.BaseAddress.Port}");
        Assert.Equal(HttpStatusCode.Accepted, (await host.Client.SendAsync(own)).StatusCode);
    }

    [Fact]
    public async Task ExposedMode_TakesAllowedHostsFromConfiguration()
    {
        await using var host = await BotHost.StartAsync(new Dictionary<string, string?>
        {
            ["AllowedHosts"] = "bot.example.com",
            ["Api:Keys:ops:Key"] = "ops-key-77",
            ["Api:Keys:ops:ActAs:0"] = "web:*",
            ["Approvals:Groups:deployers:0"] = "web:dana",
            ["Approvals:Groups:sre-leads:0"] = "web:sam",
        });
        var named = Json(HttpMethod.Post, "/api/threads", Launch, "ops-key-77");
        named.Headers.Host = "bot.example.com";
        Assert.Equal(HttpStatusCode.Accepted, (await host.Client.SendAsync(named)).StatusCode);
        var other = Json(HttpMethod.Post, "/api/threads", Launch, "ops-key-77");
        other.Headers.Host = "attacker.example";
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Client.SendAsync(other)).StatusCode);
        Assert.Equal(1, await ThreadCountAsync(host));
    }

    [Fact]
    public async Task HangfireDashboard_RefusesAPostWithoutItsAntiforgeryToken()
    {
        await using var host = await BotHost.StartAsync();
        var page = await host.Client.GetAsync("/hangfire/recurring");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var post = await host.Client.PostAsync("/hangfire/recurring/trigger", new FormUrlEncodedContent([new("jobs[]", "cron:daily-summary")]));
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
    }
}
