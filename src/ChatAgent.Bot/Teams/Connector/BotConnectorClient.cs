using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Polly;
using Polly.Retry;

namespace ChatAgent.Bot.Teams.Connector;

/// <summary>
/// The Bot Connector REST calls this bot makes (v3): send to a conversation, reply to an activity, update an
/// activity, create a conversation. Each call carries the bot's token, waits for the conversation's pacing slot,
/// and retries 429/412/502/504 and network failures with jittered exponential backoff (honouring Retry-After).
/// A 403 throws <see cref="TeamsDeliveryRefusedException"/> at once; other failures throw <see cref="HttpRequestException"/>.
/// </summary>
public sealed class BotConnectorClient(HttpClient http, IBotTokenProvider tokens, ConversationPacer pacer, ILogger<BotConnectorClient> log)
{
    private static readonly HttpStatusCode[] Transient = [HttpStatusCode.TooManyRequests, HttpStatusCode.PreconditionFailed, HttpStatusCode.BadGateway, HttpStatusCode.GatewayTimeout];

    private readonly ResiliencePipeline<HttpResponseMessage> _retry = new ResiliencePipelineBuilder<HttpResponseMessage>()
        .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
        {
            MaxRetryAttempts = 5,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(200),
            MaxDelay = TimeSpan.FromSeconds(10),
            ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                .Handle<HttpRequestException>()
                .HandleResult(r => Transient.Contains(r.StatusCode)),
            DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result?.Headers.RetryAfter?.Delta is { } d && d <= TimeSpan.FromSeconds(30) ? d : (TimeSpan?)null),
            OnRetry = args =>
            {
                log.LogInformation("Bot Connector call failed ({Outcome}); retry {Attempt} in {Delay}",
                    args.Outcome.Result?.StatusCode.ToString() ?? args.Outcome.Exception?.GetType().Name, args.AttemptNumber + 1, args.RetryDelay);
                args.Outcome.Result?.Dispose();
                return ValueTask.CompletedTask;
            },
        })
        .Build();

    public Task<ResourceResponse> SendAsync(string serviceUrl, string conversationId, Activity activity, CancellationToken ct) =>
        CallAsync(HttpMethod.Post, serviceUrl, $"v3/conversations/{Escape(conversationId)}/activities", conversationId, activity, ct);

    public Task<ResourceResponse> ReplyAsync(string serviceUrl, string conversationId, string replyToId, Activity activity, CancellationToken ct) =>
        CallAsync(HttpMethod.Post, serviceUrl, $"v3/conversations/{Escape(conversationId)}/activities/{Escape(replyToId)}", conversationId, activity with { ReplyToId = replyToId }, ct);

    public Task<ResourceResponse> UpdateAsync(string serviceUrl, string conversationId, string activityId, Activity activity, CancellationToken ct) =>
        CallAsync(HttpMethod.Put, serviceUrl, $"v3/conversations/{Escape(conversationId)}/activities/{Escape(activityId)}", conversationId, activity with { Id = activityId }, ct);

    /// <summary>
    /// Sends a typing indicator: once, without retries, and only when the conversation's pace allows it now (a late
    /// "typing…" is worth nothing, and must not delay a message). False when it was skipped or refused.
    /// </summary>
    public async Task<bool> TypingAsync(string serviceUrl, string conversationId, string? replyToId, CancellationToken ct)
    {
        if (!pacer.TryTakeNow(conversationId)) return false;
        var path = $"v3/conversations/{Escape(conversationId)}/activities" + (replyToId is null ? "" : "/" + Escape(replyToId));
        var url = new Uri(new Uri(serviceUrl.EndsWith('/') ? serviceUrl : serviceUrl + "/"), path);
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = JsonContent.Create(new Activity { Type = ActivityTypes.Typing, ReplyToId = replyToId }, options: TeamsJson.Options),
        };
        if (await tokens.GetTokenAsync(ct) is { } bearer) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var response = await http.SendAsync(request, ct);
        return response.IsSuccessStatusCode;
    }

    /// <summary>Starts a conversation, e.g. a new post in a channel (<c>channelData.channel.id</c>) for a cron agent.</summary>
    public Task<ResourceResponse> CreateConversationAsync(string serviceUrl, ConversationParameters parameters, CancellationToken ct) =>
        CallAsync(HttpMethod.Post, serviceUrl, "v3/conversations", parameters.ChannelData?.Channel?.Id ?? "new", parameters, ct);

    private async Task<ResourceResponse> CallAsync<T>(HttpMethod method, string serviceUrl, string path, string conversationId, T body, CancellationToken ct)
    {
        var url = new Uri(new Uri(serviceUrl.EndsWith('/') ? serviceUrl : serviceUrl + "/"), path);
        using var response = await _retry.ExecuteAsync(async token =>
        {
            await pacer.WaitAsync(conversationId, token);
            using var request = new HttpRequestMessage(method, url) { Content = JsonContent.Create(body, options: TeamsJson.Options) };
            if (await tokens.GetTokenAsync(token) is { } bearer) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            return await http.SendAsync(request, token);
        }, ct);
        if (response.StatusCode == HttpStatusCode.Forbidden)
            throw new TeamsDeliveryRefusedException(response.StatusCode, conversationId, await Detail(response, ct));
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"The Bot Connector answered {(int)response.StatusCode} to {method} {path}: {await Detail(response, ct)}", null, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (string.IsNullOrWhiteSpace(text)) return new ResourceResponse(null);
        return System.Text.Json.JsonSerializer.Deserialize<ResourceResponse>(text, TeamsJson.Options) ?? new ResourceResponse(null);
    }

    private static async Task<string> Detail(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        return text.Length > 300 ? text[..300] : text;
    }

    private static string Escape(string value) => Uri.EscapeDataString(value);
}
