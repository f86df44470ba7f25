using System.Net;
using System.Text;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.Bot.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using static ChatAgent.Bot.Tests.Security.Appended;

namespace ChatAgent.Bot.Tests.Security;

/// <summary>
/// A delivery launches once within the replay retention, known by its delivery id and by its signed bytes: a captured
/// delivery re-sent under a new id, or a used id with other bytes, launches nothing new; after the retention it is a new
/// event. The merger can't approve their own deploy.
/// </summary>
public sealed class WebhookReplayTests
{
    private const string Secret = "whsec-replay-5c1e";

    private static readonly byte[] Merged = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Webhooks", "github-pull-request-merged.json"));

    private static HttpRequestMessage Delivery(string id, byte[]? body = null)
    {
        body ??= Merged;
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/github") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-GitHub-Event", "pull_request");
        request.Headers.Add(WebhooksApi.GitHubDeliveryHeader, id);
        request.Headers.Add(WebhookSignature.GitHubHeader, WebhookSignature.SignGitHub(Secret, body));
        return request;
    }

    private static Task<BotHost> StartAsync(TimeProvider? clock = null, string? retention = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Webhooks:github:Secret"] = Secret,
            // hubot merged the pull request in the sample payload; on the web chat hubot is web:hubot.
            ["People:hubot:0"] = "github:hubot",
            ["People:hubot:1"] = "web:hubot",
            ["Approvals:Groups:deployers:0"] = "hubot",
            ["Approvals:Groups:deployers:1"] = "web:dana",
        };
        if (retention is not null) settings["Webhooks:ReplayRetention"] = retention;
        return BotHost.StartAsync(settings, postgres: true, services: clock is null ? null : s => s.AddSingleton(clock));
    }

    /// <summary>The one thread a delivery launched or answered, and whether the answer called it a duplicate.</summary>
    private static async Task<(string ThreadId, bool Duplicate)> SendAsync(BotHost host, HttpRequestMessage delivery)
    {
        var response = await host.Client.SendAsync(delivery);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var launched = (await response.ReadJsonAsync()).GetProperty("launched");
        Assert.Equal(1, launched.GetArrayLength());
        return (launched[0].GetProperty("threadId").GetString()!, launched[0].GetProperty("duplicate").GetBoolean());
    }

    [Fact]
    public async Task ARedelivery_WithinTheRetention_AnswersTheFirstThreadAsDuplicate()
    {
        var clock = new ManualClock();
        await using var host = await StartAsync(clock);
        var first = await SendAsync(host, Delivery("5b2a-0001"));
        clock.Advance(TimeSpan.FromDays(6));
        var again = await SendAsync(host, Delivery("5b2a-0001"));

        Assert.False(first.Duplicate);
        Assert.Equal((first.ThreadId, true), again);
        Assert.Equal(1, await ThreadCountAsync(host));
    }

    [Fact]
    public async Task TheSameDelivery_AfterTheDefaultSevenDayRetention_LaunchesANewThread()
    {
        var clock = new ManualClock();
        await using var host = await StartAsync(clock);
        var first = await SendAsync(host, Delivery("6c3b-0001"));
        clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        var later = await SendAsync(host, Delivery("6c3b-0001"));

        Assert.False(later.Duplicate);
        Assert.NotEqual(first.ThreadId, later.ThreadId);
        Assert.Equal(2, await ThreadCountAsync(host));
        // The new launch starts a new window: a replay of it now answers the second thread.
        Assert.Equal((later.ThreadId, true), await SendAsync(host, Delivery("6c3b-0002")));
    }

    [Fact]
    public async Task AConfiguredRetention_DecidesWhenTheSameBytesLaunchAgain()
    {
        var clock = new ManualClock();
        await using var host = await StartAsync(clock, retention: "01:00:00");
        var first = await SendAsync(host, Delivery("7d4c-0001"));
        clock.Advance(TimeSpan.FromMinutes(50));
        Assert.Equal((first.ThreadId, true), await SendAsync(host, Delivery("7d4c-0002")));
        clock.Advance(TimeSpan.FromMinutes(20));
        var later = await SendAsync(host, Delivery("7d4c-0003"));

        Assert.False(later.Duplicate);
        Assert.NotEqual(first.ThreadId, later.ThreadId);
        Assert.Equal(2, await ThreadCountAsync(host));
    }

    [Fact]
    public async Task AUsedDeliveryId_WithOtherSignedBytes_AnswersTheFirstThreadAsDuplicate()
    {
        await using var host = await StartAsync();
        var first = await SendAsync(host, Delivery("8e5d-0001"));
        // Still a merged pull request the trigger matches, and signed, but not the same bytes.
        var other = Merged.Concat("\n"u8.ToArray()).ToArray();
        Assert.Equal((first.ThreadId, true), await SendAsync(host, Delivery("8e5d-0001", other)));
        Assert.Equal(1, await ThreadCountAsync(host));
        // The other bytes under their own new id do launch: they were never launched themselves.
        Assert.False((await SendAsync(host, Delivery("8e5d-0002", other))).Duplicate);
        Assert.Equal(2, await ThreadCountAsync(host));
    }

    [Fact]
    public async Task ConcurrentReplays_UnderNewDeliveryIds_LaunchOneThread()
    {
        await using var host = await StartAsync();
        var answers = await Task.WhenAll(Enumerable.Range(1, 8).Select(i => SendAsync(host, Delivery($"9f6e-000{i}"))));

        Assert.Single(answers.Select(a => a.ThreadId).Distinct());
        Assert.Equal(7, answers.Count(a => a.Duplicate));
        Assert.Equal(1, await ThreadCountAsync(host));
    }

    [Fact]
    public async Task TheSameSignedDelivery_UnderANewDeliveryId_AnswersTheFirstThread_AndLaunchesNoSecondDeploy()
    {
        await using var host = await StartAsync();
        var first = await (await host.Client.SendAsync(Delivery("3f1c0d8a-0001"))).ReadJsonAsync();
        var replay = await host.Client.SendAsync(Delivery("3f1c0d8a-0002"));

        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        var launched = (await replay.ReadJsonAsync()).GetProperty("launched")[0];
        Assert.Equal(first.GetProperty("launched")[0].GetProperty("threadId").GetString(), launched.GetProperty("threadId").GetString());
        Assert.True(launched.GetProperty("duplicate").GetBoolean());
        Assert.Equal(1, await ThreadCountAsync(host));
    }

    [Fact]
    public async Task TheMerger_CannotApproveTheirOwnMergesProductionDeploy()
    {
        await using var host = await StartAsync();
        var id = (await (await host.Client.SendAsync(Delivery("9a7e-0001"))).ReadJsonAsync()).GetProperty("launched")[0].GetProperty("threadId").GetString()!;
        var waiting = await host.WaitForStatusAsync(id, "awaiting_human");
        Assert.Equal("github:hubot", waiting.GetProperty("requestedBy").GetString());
        var approval = waiting.GetProperty("pendingApprovals")[0].GetProperty("id").GetString();
        var before = await EventCountAsync(host, id);

        var self = await host.Client.SendAsync(Json(HttpMethod.Post, $"/api/threads/{id}/approvals/{approval}", new { decision = "approve", user = "web:hubot" }));
        Assert.Equal(HttpStatusCode.Forbidden, self.StatusCode);
        Assert.Equal("approval.self", (await self.ReadJsonAsync()).GetProperty("code").GetString());
        Assert.Equal(before, await EventCountAsync(host, id));

        var other = await host.Client.SendAsync(Json(HttpMethod.Post, $"/api/threads/{id}/approvals/{approval}", new { decision = "approve", user = "web:dana" }));
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }
}
