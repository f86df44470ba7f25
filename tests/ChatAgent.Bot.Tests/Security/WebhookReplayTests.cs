using System.Net;
using System.Text;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.Bot.Webhooks;
using static ChatAgent.Bot.Tests.Security.Appended;

namespace ChatAgent.Bot.Tests.Security;

/// <summary>A captured signed delivery re-sent under a new delivery id launches nothing new; the merger can't approve their own deploy.</summary>
public sealed class WebhookReplayTests
{
    private const string Secret = "whsec-replay-5c1e";

    private static readonly byte[] Merged = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Webhooks", "github-pull-request-merged.json"));

    private static HttpRequestMessage Delivery(string id)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/github") { Content = new ByteArrayContent(Merged) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-GitHub-Event", "pull_request");
        request.Headers.Add(WebhooksApi.GitHubDeliveryHeader, id);
        request.Headers.Add(WebhookSignature.GitHubHeader, WebhookSignature.SignGitHub(Secret, Merged));
        return request;
    }

    private static Task<BotHost> StartAsync() => BotHost.StartAsync(new Dictionary<string, string?>
    {
        ["Webhooks:github:Secret"] = Secret,
        // hubot merged the pull request in the sample payload; on the web chat hubot is web:hubot.
        ["People:hubot:0"] = "github:hubot",
        ["People:hubot:1"] = "web:hubot",
        ["Approvals:Groups:deployers:0"] = "hubot",
        ["Approvals:Groups:deployers:1"] = "web:dana",
    }, postgres: true);

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
