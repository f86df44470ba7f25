using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatAgent.Bot.Tests.Api;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.Bot.Webhooks;
using ChatAgent.Core.Storage;

namespace ChatAgent.Bot.Tests.Webhooks;

/// <summary><c>POST /webhooks/{name}</c> over real HTTP: the shipped GitHub "pull request merged" example launches <c>deploy</c>.</summary>
public sealed class WebhooksApiTests
{
    private const string Secret = "whsec-test-7f3a91";

    private static readonly byte[] Merged = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Webhooks", "github-pull-request-merged.json"));

    private static Task<BotHost> StartAsync(bool postgres = false) =>
        BotHost.StartAsync(new Dictionary<string, string?> { ["Webhooks:github:Secret"] = Secret }, postgres);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SignedGitHubMergedPullRequest_LaunchesDeployOfTheRepositoryToProduction(bool postgres)
    {
        await using var host = await StartAsync(postgres);
        var response = await host.Client.SendAsync(GitHub(Merged, WebhookSignature.SignGitHub(Secret, Merged), "72d3162e-cc78-11e3-81ab-4c9367dc0958"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var launched = Assert.Single((await response.ReadJsonAsync()).GetProperty("launched").EnumerateArray());
        Assert.Equal("deploy", launched.GetProperty("agent").GetString());
        var id = launched.GetProperty("threadId").GetString()!;
        Assert.Equal($"/api/threads/{id}", response.Headers.Location!.OriginalString);
        var waiting = await host.WaitForStatusAsync(id, "awaiting_human");
        Assert.Equal("api to production", waiting.GetProperty("input").GetString());
        Assert.Equal("webhook", waiting.GetProperty("origin").GetProperty("platform").GetString());
        Assert.Equal("deploy_to_production", waiting.GetProperty("pendingApprovals")[0].GetProperty("tool").GetString());
    }

    [Fact]
    public async Task GenericSignatureWithFreshTimestamp_IsAccepted()
    {
        await using var host = await StartAsync();
        var timestamp = DateTimeOffset.UtcNow.AddMinutes(-4).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var response = await host.Client.SendAsync(Generic(Merged, timestamp, WebhookSignature.SignGeneric(Secret, timestamp, Merged), "d-1"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Single((await response.ReadJsonAsync()).GetProperty("launched").EnumerateArray());
    }

    public static TheoryData<string> Forgeries => new()
    {
        "github-wrong-secret", "github-body-changed", "github-not-hex", "github-no-scheme", "no-signature",
        "generic-stale", "generic-future", "generic-timestamp-not-signed", "generic-no-timestamp", "generic-wrong-secret",
    };

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task ForgedOrStaleDelivery_Is401_AndLaunchesNothing(string forgery)
    {
        await using var host = await StartAsync();
        var now = DateTimeOffset.UtcNow;
        string Ts(TimeSpan offset) => (now + offset).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Merged).Replace("\"name\": \"api\"", "\"name\": \"billing\""));
        var request = forgery switch
        {
            "github-wrong-secret" => GitHub(Merged, WebhookSignature.SignGitHub("guess", Merged), "d-2"),
            "github-body-changed" => GitHub(tampered, WebhookSignature.SignGitHub(Secret, Merged), "d-2"),
            "github-not-hex" => GitHub(Merged, "sha256=zz" + new string('0', 62), "d-2"),
            "github-no-scheme" => GitHub(Merged, WebhookSignature.SignGitHub(Secret, Merged)["sha256=".Length..], "d-2"),
            "no-signature" => GitHub(Merged, null, "d-2"),
            "generic-stale" => Generic(Merged, Ts(TimeSpan.FromMinutes(-6)), WebhookSignature.SignGeneric(Secret, Ts(TimeSpan.FromMinutes(-6)), Merged), "d-2"),
            "generic-future" => Generic(Merged, Ts(TimeSpan.FromMinutes(6)), WebhookSignature.SignGeneric(Secret, Ts(TimeSpan.FromMinutes(6)), Merged), "d-2"),
            "generic-timestamp-not-signed" => Generic(Merged, Ts(TimeSpan.Zero), WebhookSignature.SignGeneric(Secret, Ts(TimeSpan.FromSeconds(-30)), Merged), "d-2"),
            "generic-no-timestamp" => Generic(Merged, null, WebhookSignature.SignGitHub(Secret, Merged), "d-2"),
            "generic-wrong-secret" => Generic(Merged, Ts(TimeSpan.Zero), WebhookSignature.SignGeneric("guess", Ts(TimeSpan.Zero), Merged), "d-2"),
            _ => throw new ArgumentOutOfRangeException(nameof(forgery)),
        };
        await ThreadsApiTests.AssertProblemAsync(await host.Client.SendAsync(request), HttpStatusCode.Unauthorized);
        Assert.Empty(await host.Get<IEventStore>().ListAsync(new ThreadQuery()));
    }

    [Fact]
    public async Task SignedMalformedJson_Is400_AndLaunchesNothing()
    {
        await using var host = await StartAsync();
        var body = Encoding.UTF8.GetBytes("{\"action\": \"closed\", \"pull_request\": ");
        await ThreadsApiTests.AssertProblemAsync(await host.Client.SendAsync(GitHub(body, WebhookSignature.SignGitHub(Secret, body), "d-3")), HttpStatusCode.BadRequest);
        Assert.Empty(await host.Get<IEventStore>().ListAsync(new ThreadQuery()));
    }

    [Fact]
    public async Task UnknownOrUnconfiguredWebhook_Is404()
    {
        await using var host = await StartAsync();
        await ThreadsApiTests.AssertProblemAsync(await host.Client.SendAsync(GitHub(Merged, WebhookSignature.SignGitHub(Secret, Merged), "d-4", name: "gitlab")), HttpStatusCode.NotFound);
        Assert.Empty(await host.Get<IEventStore>().ListAsync(new ThreadQuery()));
    }

    [Fact]
    public async Task ClosedWithoutMerge_LaunchesNothing_AndSaysWhichConditionFailed()
    {
        await using var host = await StartAsync();
        var payload = JsonNode.Parse(Merged)!;
        payload["pull_request"]!["merged"] = false;
        var body = Encoding.UTF8.GetBytes(payload.ToJsonString());
        var response = await host.Client.SendAsync(GitHub(body, WebhookSignature.SignGitHub(Secret, body), "d-5"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var json = await response.ReadJsonAsync();
        Assert.Empty(json.GetProperty("launched").EnumerateArray());
        var skipped = Assert.Single(json.GetProperty("skipped").EnumerateArray());
        Assert.Equal("deploy", skipped.GetProperty("agent").GetString());
        Assert.Equal(["pull_request.merged is \"false\", not \"true\""], skipped.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.Empty(await host.Get<IEventStore>().ListAsync(new ThreadQuery()));
    }

    [Fact]
    public async Task RedeliveredOrReplayedDelivery_ReturnsTheFirstThread_AndLaunchesOnce()
    {
        await using var host = await StartAsync();
        var signature = WebhookSignature.SignGitHub(Secret, Merged);
        var first = await (await host.Client.SendAsync(GitHub(Merged, signature, "delivery-9"))).ReadJsonAsync();
        var second = await (await host.Client.SendAsync(GitHub(Merged, signature, "delivery-9"))).ReadJsonAsync();
        // The same signed bytes under a new delivery id: a replay of a captured delivery, not a second merge.
        var replayed = await host.Client.SendAsync(GitHub(Merged, signature, "delivery-10"));
        Assert.Equal(HttpStatusCode.Accepted, replayed.StatusCode);
        var other = await replayed.ReadJsonAsync();

        var firstId = first.GetProperty("launched")[0].GetProperty("threadId").GetString();
        Assert.False(first.GetProperty("launched")[0].GetProperty("duplicate").GetBoolean());
        Assert.Equal(firstId, second.GetProperty("launched")[0].GetProperty("threadId").GetString());
        Assert.True(second.GetProperty("launched")[0].GetProperty("duplicate").GetBoolean());
        Assert.Equal(firstId, other.GetProperty("launched")[0].GetProperty("threadId").GetString());
        Assert.True(other.GetProperty("launched")[0].GetProperty("duplicate").GetBoolean());
        Assert.Single(await host.Get<IEventStore>().ListAsync(new ThreadQuery()));
    }

    private static HttpRequestMessage GitHub(byte[] body, string? signature, string delivery, string name = "github")
    {
        var request = Post(body, name);
        if (signature is not null) request.Headers.Add(WebhookSignature.GitHubHeader, signature);
        request.Headers.Add("X-GitHub-Event", "pull_request");
        request.Headers.Add(WebhooksApi.GitHubDeliveryHeader, delivery);
        return request;
    }

    private static HttpRequestMessage Generic(byte[] body, string? timestamp, string signature, string delivery)
    {
        var request = Post(body, "github");
        request.Headers.Add(WebhookSignature.Header, signature);
        if (timestamp is not null) request.Headers.Add(WebhookSignature.TimestampHeader, timestamp);
        request.Headers.Add(WebhooksApi.DeliveryHeader, delivery);
        return request;
    }

    private static HttpRequestMessage Post(byte[] body, string name)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return new HttpRequestMessage(HttpMethod.Post, $"/webhooks/{name}") { Content = content };
    }
}
