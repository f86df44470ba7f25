using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace ChatAgent.Bot.Slack;

/// <summary>
/// The slice of Slack's Web API the bot uses. Bearer bot token; 429s and 5xx answers are retried by the client's
/// resilience handler (<see cref="SlackHttp"/>); <c>ok: false</c> becomes a <see cref="SlackApiException"/>. New messages are paced per channel (Slack
/// allows about one a second), so a burst of posts queues instead of being rate-limited.
/// </summary>
public sealed class SlackApiClient(HttpClient http, IOptions<SlackOptions> options, TimeProvider time, ILogger<SlackApiClient> log)
{
    private readonly ConcurrentDictionary<string, ChannelPace> _pace = new(StringComparer.Ordinal);

    /// <summary>Posts a message; returns its <c>ts</c>.</summary>
    public async Task<string> PostMessageAsync(string channel, string text, IReadOnlyList<SlackBlock>? blocks, string? threadTs, CancellationToken ct)
    {
        var pace = _pace.GetOrAdd(channel, _ => new ChannelPace());
        await pace.Gate.WaitAsync(ct);
        try
        {
            var wait = pace.Next - time.GetUtcNow();
            if (wait > TimeSpan.Zero) await Task.Delay(wait, time, ct);
            var result = await CallAsync("chat.postMessage", Payload(channel, text, blocks, threadTs), ct);
            pace.Next = time.GetUtcNow() + options.Value.MessageInterval;
            return result["ts"]?.GetValue<string>() ?? throw new SlackApiException("chat.postMessage", "missing_ts");
        }
        finally
        {
            pace.Gate.Release();
        }
    }

    public async Task UpdateMessageAsync(string channel, string ts, string text, IReadOnlyList<SlackBlock>? blocks, CancellationToken ct)
    {
        var payload = Payload(channel, text, blocks ?? [], null);
        payload["ts"] = ts;
        await CallAsync("chat.update", payload, ct);
    }

    /// <summary>A message only <paramref name="user"/> sees (answers to the person clicking or commanding).</summary>
    public async Task PostEphemeralAsync(string channel, string user, string text, IReadOnlyList<SlackBlock>? blocks, CancellationToken ct)
    {
        var payload = Payload(channel, text, blocks, null);
        payload["user"] = user;
        await CallAsync("chat.postEphemeral", payload, ct);
    }

    /// <summary>
    /// Posts through a slash command's <c>response_url</c> (no token: the URL is the authority): ephemeral (only the
    /// person who ran the command sees it) or in the channel, which works where the bot is not a member.
    /// </summary>
    public async Task PostToResponseUrlAsync(string responseUrl, string text, IReadOnlyList<SlackBlock>? blocks, bool inChannel, CancellationToken ct)
    {
        var payload = new JsonObject
        {
            ["response_type"] = inChannel ? "in_channel" : "ephemeral",
            ["replace_original"] = false,
            ["text"] = BlockKitLimits.Clip(text, BlockKitLimits.MessageText),
        };
        if (blocks is not null) payload["blocks"] = JsonSerializer.SerializeToNode(blocks, SlackJson.Options);
        using var response = await http.PostAsync(new Uri(responseUrl), JsonContent.Create(payload), ct);
        if (!response.IsSuccessStatusCode) throw new SlackApiException("response_url", ((int)response.StatusCode).ToString());
    }

    public async Task OpenViewAsync(string triggerId, SlackModal view, CancellationToken ct) =>
        await CallAsync("views.open", new JsonObject
        {
            ["trigger_id"] = triggerId,
            ["view"] = JsonSerializer.SerializeToNode(view, SlackJson.Options),
        }, ct);

    /// <summary>The bot's direct message channel with <paramref name="user"/> (a Slack user id), opened if need be: <c>conversations.open</c>.</summary>
    public async Task<string> OpenDirectMessageAsync(string user, CancellationToken ct)
    {
        var result = await CallAsync("conversations.open", new JsonObject { ["users"] = user }, ct);
        return result["channel"]?["id"]?.GetValue<string>() ?? throw new SlackApiException("conversations.open", "missing_channel");
    }

    /// <summary>Replaces <paramref name="user"/>'s App Home tab with <paramref name="blocks"/>: <c>views.publish</c>.</summary>
    public async Task PublishHomeAsync(string user, IReadOnlyList<SlackBlock> blocks, CancellationToken ct) =>
        await CallAsync("views.publish", new JsonObject
        {
            ["user_id"] = user,
            ["view"] = new JsonObject { ["type"] = "home", ["blocks"] = JsonSerializer.SerializeToNode(blocks, SlackJson.Options) },
        }, ct);

    /// <summary>Socket Mode: a fresh WebSocket URL, authorised by the app-level token.</summary>
    public async Task<Uri> OpenConnectionAsync(CancellationToken ct)
    {
        var result = await CallAsync("apps.connections.open", new JsonObject(), ct, options.Value.AppToken);
        return new Uri(result["url"]?.GetValue<string>() ?? throw new SlackApiException("apps.connections.open", "missing_url"));
    }

    private static JsonObject Payload(string channel, string text, IReadOnlyList<SlackBlock>? blocks, string? threadTs)
    {
        var payload = new JsonObject { ["channel"] = channel, ["text"] = BlockKitLimits.Clip(text, BlockKitLimits.MessageText) };
        if (blocks is not null) payload["blocks"] = JsonSerializer.SerializeToNode(blocks, SlackJson.Options);
        if (threadTs is not null) payload["thread_ts"] = threadTs;
        return payload;
    }

    /// <summary>One Web API call; Slack's transient answers were already retried by the client's handler (<see cref="SlackHttp"/>).</summary>
    private async Task<JsonObject> CallAsync(string method, JsonObject payload, CancellationToken ct, string? token = null)
    {
        var baseUrl = options.Value.ApiBaseUrl.EndsWith('/') ? options.Value.ApiBaseUrl : options.Value.ApiBaseUrl + "/";
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(baseUrl), method)) { Content = JsonContent.Create(payload) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? options.Value.BotToken ?? "");
        using var response = await http.SendAsync(request, ct);
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            log.LogWarning("Slack {Method} is rate-limited (Retry-After {RetryAfter}); left to a later delivery", method, response.Headers.RetryAfter?.Delta);
            throw new SlackApiException(method, "ratelimited");
        }
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(ct) ?? throw new SlackApiException(method, "empty_response");
        if (body["ok"]?.GetValue<bool>() != true)
            throw new SlackApiException(method, body["error"]?.GetValue<string>() ?? "unknown_error");
        return body;
    }

    private sealed class ChannelPace
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public DateTimeOffset Next { get; set; }
    }
}
