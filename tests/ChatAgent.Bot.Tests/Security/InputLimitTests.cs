using System.Net;
using System.Text;
using ChatAgent.Bot.Tests.Support;
using static ChatAgent.Bot.Tests.Security.Appended;

namespace ChatAgent.Bot.Tests.Security;

/// <summary>Bodies over 1 MiB are refused before they are read whole; free text over 4,000 characters is refused.</summary>
public sealed class InputLimitTests
{
    [Fact]
    public async Task AFiveMegabyteLaunchBody_Is413_AndStoresNothing()
    {
        await using var host = await BotHost.StartAsync(postgres: true);
        var huge = "{\"agent\":\"deploy\",\"user\":\"web:alice\",\"input\":\"api to production " + new string('x', 5 * 1024 * 1024) + "\"}";
        // Declared length: refused from the headers, so the client (waiting for 100 Continue) never sends the body.
        var declared = new HttpRequestMessage(HttpMethod.Post, "/api/threads") { Content = new StringContent(huge, Encoding.UTF8, "application/json") };
        declared.Headers.ExpectContinue = true;
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await host.Client.SendAsync(declared)).StatusCode);

        // Streamed without a length: refused as soon as it passes the limit (just past it, so the client finishes sending).
        var over = huge[..((1 << 20) + 1024)];
        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(over)));
        chunked.Headers.ContentType = new("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/threads") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await host.Client.SendAsync(request)).StatusCode);
        Assert.Equal(0, await ThreadCountAsync(host));
    }

    [Fact]
    public async Task TextOver4000Characters_Is400_AndAppendsNothing()
    {
        await using var host = await BotHost.StartAsync(postgres: true);
        var tooLong = "api to production " + new string('x', 4000);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Client.SendAsync(Json(HttpMethod.Post, "/api/threads", new { agent = "deploy", input = tooLong, user = "web:alice" }))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Client.SendAsync(Json(HttpMethod.Post, "/webchat/commands", new { line = "deploy " + tooLong, user = "alice" }))).StatusCode);
        Assert.Equal(0, await ThreadCountAsync(host));

        var id = await host.LaunchAsync("deploy", "api to production");
        var waiting = await host.WaitForStatusAsync(id, "awaiting_human");
        var approval = waiting.GetProperty("pendingApprovals")[0].GetProperty("id").GetString();
        var before = await EventCountAsync(host, id);
        var comment = await host.Client.SendAsync(Json(HttpMethod.Post, $"/api/threads/{id}/approvals/{approval}", new { decision = "deny", user = "web:bob", comment = new string('c', 4001) }));
        Assert.Equal(HttpStatusCode.BadRequest, comment.StatusCode);
        var feedback = await host.Client.SendAsync(Json(HttpMethod.Post, $"/api/threads/{id}/resume", new { user = "web:alice", feedback = new string('f', 4001) }));
        Assert.Equal(HttpStatusCode.BadRequest, feedback.StatusCode);
        Assert.Equal(before, await EventCountAsync(host, id));
    }

    [Theory]
    [InlineData("/slack/commands", "application/x-www-form-urlencoded")]
    [InlineData("/slack/interactions", "application/x-www-form-urlencoded")]
    [InlineData("/slack/events", "application/json")]
    [InlineData("/webhooks/github", "application/json")]
    [InlineData("/webchat/commands", "application/json")]
    [InlineData("/api/threads/th_x/approvals/ap_x", "application/json")]
    public async Task AStreamedBodyOverTheLimit_Is413_OnEveryJsonAndFormRoute_NeverA500(string path, string contentType)
    {
        await using var host = await BotHost.StartAsync(new Dictionary<string, string?>
        {
            ["Slack:SigningSecret"] = "limits-signing-secret",
            ["Slack:BotToken"] = "xoxb-limits",
            ["Slack:ApiBaseUrl"] = "http://127.0.0.1:9/api/",
            ["Webhooks:github:Secret"] = "limits-webhook-secret",
            ["Approvals:Groups:deployers:0"] = "slack:UDEPLOYER",
            ["Approvals:Groups:sre-leads:0"] = "slack:USRE",
        });
        var body = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("text=" + new string('x', (1 << 20) + 1024))));
        body.Headers.ContentType = new(contentType);
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body };
        request.Headers.TransferEncodingChunked = true;
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await host.Client.SendAsync(request)).StatusCode);
    }

    /// <summary>
    /// The first bytes arrive alone and are not JSON; the rest takes the body over the limit. An endpoint that parsed as
    /// it read would say 400 here and 413 when the bytes came faster: the answer is 413 either way.
    /// </summary>
    [Theory]
    [InlineData("/api/threads/th_x/approvals/ap_x")]
    [InlineData("/webchat/commands")]
    [InlineData("/api/threads")]
    public async Task AStreamedBodyThatStartsMalformed_AndGoesOverTheLimit_Is413_NotA400(string path)
    {
        await using var host = await BotHost.StartAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new SlowBody() };
        request.Headers.TransferEncodingChunked = true;

        var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    /// <summary>"text=" first, flushed on its own, then a pause, then more than a mebibyte.</summary>
    private sealed class SlowBody : HttpContent
    {
        public SlowBody() => Headers.ContentType = new("application/json");

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes("text="));
            await stream.FlushAsync();
            await Task.Delay(200);
            var block = Encoding.UTF8.GetBytes(new string('x', 64 * 1024));
            for (var i = 0; i < 17; i++) await stream.WriteAsync(block);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
