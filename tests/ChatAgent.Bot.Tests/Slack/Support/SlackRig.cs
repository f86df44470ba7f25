using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatAgent.Bot.Slack;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Threads;
using ChatAgent.TestSupport;

namespace ChatAgent.Bot.Tests.Slack.Support;

/// <summary>
/// The bot host configured for Slack against a <see cref="FakeSlackApi"/>, and a client that sends what Slack sends:
/// signed slash commands, interactions and events over real HTTP.
/// </summary>
public sealed class SlackRig : IAsyncDisposable
{
    public const string Secret = "test-signing-secret-0123456789";
    public const string BotToken = "xoxb-test-token";

    private readonly string _secret;

    private SlackRig(FakeSlackApi slack, BotHost host, string secret)
    {
        Slack = slack;
        Host = host;
        _secret = secret;
    }

    public FakeSlackApi Slack { get; }

    public BotHost Host { get; }

    public HttpClient Client => Host.Client;

    /// <param name="services">Replaces services after the host's own (e.g. a logger provider, an in-memory span exporter).</param>
    public static async Task<SlackRig> StartAsync(
        bool postgres = false, IDictionary<string, string?>? settings = null, bool http = true, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null)
    {
        var slack = await FakeSlackApi.StartAsync();
        var all = new Dictionary<string, string?>
        {
            ["Slack:SigningSecret"] = http ? Secret : "",
            ["Slack:BotToken"] = BotToken,
            ["Slack:ApiBaseUrl"] = slack.BaseUrl.ToString(),
            // Slack makes the bot exposed, where every approver group a policy names must have members.
            ["Approvals:Groups:deployers:0"] = "slack:UBOB",
            ["Approvals:Groups:sre-leads:0"] = "slack:USAM",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) all[k] = v;
        var host = await BotHost.StartAsync(all, postgres, services: services);
        return new SlackRig(slack, host, all["Slack:SigningSecret"] is { Length: > 0 } configured ? configured : Secret);
    }

    public static string Sign(string body, long timestamp, string secret = Secret) =>
        SlackSignatureVerifier.Sign(secret, timestamp.ToString(), Encoding.UTF8.GetBytes(body));

    public static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    /// <summary>Posts <paramref name="body"/> signed as Slack would with the configured signing secret (or with the given signature/timestamp).</summary>
    public Task<HttpResponseMessage> PostSignedAsync(string path, string body, string contentType, long? timestamp = null, string? signature = null, int? retryNum = null)
    {
        var ts = timestamp ?? Now;
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        request.Headers.Add(SlackSignatureVerifier.TimestampHeader, ts.ToString());
        request.Headers.Add(SlackSignatureVerifier.SignatureHeader, signature ?? Sign(body, ts, _secret));
        if (retryNum is { } n)
        {
            request.Headers.Add("X-Slack-Retry-Num", n.ToString());
            request.Headers.Add("X-Slack-Retry-Reason", "http_timeout");
        }
        return Client.SendAsync(request);
    }

    public static string CommandForm(string command, string text, string user = "UALICE", string channel = "C123", string? trigger = null, string? responseUrl = null) =>
        Form(new()
        {
            ["token"] = "legacy-unused",
            ["team_id"] = "T1",
            ["channel_id"] = channel,
            ["user_id"] = user,
            ["user_name"] = user.ToLowerInvariant(),
            ["command"] = command,
            ["text"] = text,
            ["response_url"] = responseUrl ?? "https://hooks.slack.invalid/commands/1",
            ["trigger_id"] = trigger ?? Guid.NewGuid().ToString("N"),
        });

    /// <summary>Runs a slash command; returns the ephemeral answer (checked against Block Kit's limits).</summary>
    public async Task<JsonObject> CommandAsync(string command, string text, string user = "UALICE", string channel = "C123", string? responseUrl = null)
    {
        var response = await PostSignedAsync("/slack/commands", CommandForm(command, text, user, channel, responseUrl: responseUrl), "application/x-www-form-urlencoded");
        response.EnsureSuccessStatusCode();
        var reply = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Empty(BlockKitChecker.CheckReply(reply));
        Assert.Equal("ephemeral", (string?)reply["response_type"]);
        return reply;
    }

    public Task<HttpResponseMessage> ClickAsync(string actionId, string value, string user, string channel = "C123") =>
        InteractAsync(new JsonObject
        {
            ["type"] = "block_actions",
            ["user"] = new JsonObject { ["id"] = user, ["username"] = user.ToLowerInvariant(), ["name"] = user.ToLowerInvariant() },
            ["trigger_id"] = "trig-" + Guid.NewGuid().ToString("N"),
            ["channel"] = new JsonObject { ["id"] = channel },
            ["container"] = new JsonObject { ["type"] = "message", ["channel_id"] = channel },
            ["actions"] = new JsonArray(new JsonObject { ["action_id"] = actionId, ["value"] = value, ["type"] = "button" }),
        });

    public Task<HttpResponseMessage> SubmitViewAsync(JsonObject view, string user) =>
        InteractAsync(new JsonObject
        {
            ["type"] = "view_submission",
            ["user"] = new JsonObject { ["id"] = user, ["username"] = user.ToLowerInvariant() },
            ["view"] = view,
        });

    public Task<HttpResponseMessage> InteractAsync(JsonObject payload) =>
        PostSignedAsync("/slack/interactions", Form(new() { ["payload"] = payload.ToJsonString() }), "application/x-www-form-urlencoded");

    public Task<HttpResponseMessage> EventAsync(JsonObject body, int? retryNum = null) =>
        PostSignedAsync("/slack/events", body.ToJsonString(), "application/json", retryNum: retryNum);

    public static string Form(Dictionary<string, string> fields) =>
        string.Join("&", fields.Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value)));

    public Task<ThreadState?> StateAsync(string threadId) => Host.Get<ThreadService>().GetStateAsync(threadId);

    public async Task<ThreadState> WaitForAsync(string threadId, Func<ThreadState, bool> done, string what) =>
        (await Poll.UntilAsync(() => StateAsync(threadId), s => s is not null && done(s), what: what))!;

    public async Task<IReadOnlyList<ThreadSummary>> ThreadsAsync() => await Host.Get<IEventStore>().ListAsync(new ThreadQuery());

    public async Task<IReadOnlyList<SlackCall>> WaitForCallsAsync(Func<IReadOnlyList<SlackCall>, bool> done, string what) =>
        await Poll.UntilAsync(() => Task.FromResult(Slack.Calls), done, what: what);

    /// <summary>The thread id from a "Started … as `th_…`" reply.</summary>
    public static string ThreadIdFrom(JsonObject reply)
    {
        var text = (string?)reply["text"] ?? "";
        var start = text.IndexOf('`') + 1;
        return text[start..text.IndexOf('`', start)];
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Slack.DisposeAsync();
    }

    public static JsonElement Json(string s) => JsonDocument.Parse(s).RootElement;
}
