using System.Net;
using System.Text.Json.Nodes;
using ChatAgent.Bot.Tests.Slack.Support;
using ChatAgent.Bot.Tests.Support;

namespace ChatAgent.Bot.Tests.Slack;

/// <summary>Forged, stale and malformed requests change nothing; without a signing secret the routes don't exist.</summary>
public sealed class SlackRequestSecurityTests
{
    public static TheoryData<string> Routes => new() { "/slack/commands", "/slack/interactions", "/slack/events" };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task ForgedSignature_Is401_AndNothingHappens(string route)
    {
        await using var rig = await SlackRig.StartAsync();
        var body = SlackRig.CommandForm("/deploy", "api to production");
        var forged = SlackRig.Sign(body, SlackRig.Now, secret: "not-the-secret");

        var response = await rig.PostSignedAsync(route, body, "application/x-www-form-urlencoded", signature: forged);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await AssertNothingHappenedAsync(rig);
    }

    [Fact]
    public async Task SignatureOverADifferentBody_Is401()
    {
        await using var rig = await SlackRig.StartAsync();
        var signed = SlackRig.CommandForm("/deploy", "api to staging");
        var sent = signed.Replace("staging", "production");

        var response = await rig.PostSignedAsync("/slack/commands", sent, "application/x-www-form-urlencoded", signature: SlackRig.Sign(signed, SlackRig.Now));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await AssertNothingHappenedAsync(rig);
    }

    [Theory]
    [InlineData(-360)]
    [InlineData(360)]
    public async Task StaleOrFutureTimestamp_Is401_EvenWhenCorrectlySigned(int offsetSeconds)
    {
        await using var rig = await SlackRig.StartAsync();
        var body = SlackRig.CommandForm("/deploy", "api to production");
        var ts = SlackRig.Now + offsetSeconds;

        var response = await rig.PostSignedAsync("/slack/commands", body, "application/x-www-form-urlencoded", timestamp: ts, signature: SlackRig.Sign(body, ts));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await AssertNothingHappenedAsync(rig);
    }

    [Theory]
    [InlineData("/slack/commands", "text=deploy", "application/x-www-form-urlencoded")]
    [InlineData("/slack/interactions", "payload=%7Bnot-json", "application/x-www-form-urlencoded")]
    [InlineData("/slack/interactions", "nothing=here", "application/x-www-form-urlencoded")]
    [InlineData("/slack/events", "{\"event\":", "application/json")]
    [InlineData("/slack/events", "[1,2]", "application/json")]
    public async Task Malformed_SignedRequests_Are400(string route, string body, string contentType)
    {
        await using var rig = await SlackRig.StartAsync();

        var response = await rig.PostSignedAsync(route, body, contentType);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertNothingHappenedAsync(rig);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task WithoutASigningSecret_TheRoutesAre404(string route)
    {
        await using var rig = await SlackRig.StartAsync(http: false);
        var body = SlackRig.CommandForm("/deploy", "api to production");

        var response = await rig.PostSignedAsync(route, body, "application/x-www-form-urlencoded");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await AssertNothingHappenedAsync(rig);
    }

    [Fact]
    public async Task UrlVerification_EchoesTheChallenge()
    {
        await using var rig = await SlackRig.StartAsync();

        var response = await rig.EventAsync(new JsonObject { ["type"] = "url_verification", ["challenge"] = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", ["token"] = "x" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", (string?)body["challenge"]);
    }

    private static async Task AssertNothingHappenedAsync(SlackRig rig)
    {
        Assert.Empty(await rig.ThreadsAsync());
        Assert.Empty(rig.Slack.Calls);
    }
}
