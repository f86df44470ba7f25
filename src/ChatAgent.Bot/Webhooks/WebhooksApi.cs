using System.Security.Cryptography;
using System.Text.Json;
using ChatAgent.Core.Agents;
using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ChatAgent.Bot.Webhooks;

/// <summary>
/// <c>POST /webhooks/{name}</c> (factor 11): a signed external trigger. The secret is <c>Webhooks:{name}:Secret</c>;
/// without one the webhook does not exist (404). Forged or stale deliveries get 401, malformed JSON 400, and
/// neither appends anything. Each agent trigger named <c>{name}</c> whose conditions hold launches its agent, once per
/// delivery within <see cref="WebhookOptions.ReplayRetention"/>: a delivery is known by its delivery id
/// (<c>X-GitHub-Delivery</c> or <c>X-Delivery-Id</c>) and by the SHA-256 of the bytes the signature covers, and a delivery
/// sharing either with an earlier one in the window (a redelivery, a captured body re-sent under a new id, a new body under
/// a used id) answers 202 with the first thread and <c>duplicate: true</c>.
/// </summary>
public static class WebhooksApi
{
    public const string GitHubDeliveryHeader = "X-GitHub-Delivery";
    public const string DeliveryHeader = "X-Delivery-Id";

    /// <summary>Larger bodies are refused before any work (GitHub caps its payloads at 25 MB; ours need far less).</summary>
    public const int MaxBodyBytes = 1 << 20;

    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/webhooks/{name}", ReceiveAsync)
            .WithTags("Webhooks")
            .WithSummary("A signed webhook delivery; launches the agents whose triggers match")
            .DisableAntiforgery();
        return app;
    }

    private static async Task<Results<Accepted<WebhookResponse>, ProblemHttpResult>> ReceiveAsync(
        string name, HttpContext http, IConfiguration configuration, IAgentCatalog catalog, ThreadService threads,
        IWebhookDeliveries deliveries, IOptions<WebhookOptions> options, TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        var log = loggers.CreateLogger(typeof(WebhooksApi).FullName!);
        var secret = configuration[$"Webhooks:{name}:Secret"];
        if (string.IsNullOrEmpty(secret)) return Problem(404, "Not Found", $"There is no webhook '{name}'.");

        var body = await ReadBodyAsync(http.Request, ct);
        if (body is null) return Problem(413, "Payload Too Large", $"The body is larger than {MaxBodyBytes} bytes.");
        if (WebhookSignature.Verify(secret, body, http.Request.Headers, time.GetUtcNow()) is { } refusal)
        {
            log.LogWarning("Refused webhook {Webhook} delivery from {Remote}: {Reason}", name, http.Connection.RemoteIpAddress, refusal);
            return Problem(401, "Unauthorized", refusal);
        }

        // JsonDocument checks UTF-8 inside strings only when a string is read, which would fail later as a 500.
        if (!System.Text.Unicode.Utf8.IsValid(body)) return Problem(400, "Bad Request", "The body is not valid UTF-8.");

        JsonElement payload;
        try
        {
            using var document = JsonDocument.Parse(body);
            payload = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            return Problem(400, "Bad Request", $"The body is not valid JSON: {e.Message}");
        }

        var delivery = DeliveryId(http.Request.Headers);
        var signed = Convert.ToHexStringLower(SHA256.HashData(WebhookSignature.SignedBytes(body, http.Request.Headers)));
        var matches = WebhookTriggerMatcher.Match(catalog, name, payload);
        var launched = new List<WebhookLaunch>();
        var skipped = matches.Skipped.ToList();
        var actor = HumanBehind(payload) is { } login
            ? Actor.User("github:" + login, login)
            : new Actor(Actor.SystemKind, $"webhook:{name}", $"webhook {name}");
        var claim = matches.Matched.Count == 0 ? null : await ClaimAsync(deliveries, name, delivery, signed, time.GetUtcNow(), options.Value.ReplayRetention, ct);
        foreach (var match in matches.Matched)
        {
            // Under the claim's launch key, so a replay meets the first launch in the event store, and a first attempt
            // that failed before launching launches now.
            var key = $"{claim!.LaunchKey}:{match.Agent}";
            var result = await threads.LaunchAsync(new LaunchCommand(match.Agent, match.Input, new Origin("webhook", User: actor.Id), actor, key), ct);
            if (result.Accepted)
                launched.Add(new WebhookLaunch(match.Agent, result.State!.Id, $"/api/threads/{result.State.Id}", result.Duplicate));
            else
                skipped.Add(new WebhookSkip(match.Agent, [result.Message ?? result.Code ?? "rejected"]));
        }
        log.LogInformation("Webhook {Webhook} delivery {Delivery} (signed sha256 {Hash}, replay {Replay}) for {Actor}: launched {Launched}, skipped {Skipped}",
            name, delivery, signed, claim?.Replay ?? false, actor.Id, string.Join(", ", launched.Select(l => $"{l.Agent} {l.ThreadId}")), string.Join(", ", skipped.Select(s => s.Agent)));
        return TypedResults.Accepted(launched.Count == 1 ? launched[0].Location : (string?)null, new WebhookResponse(launched, skipped));
    }

    /// <summary>
    /// Claims the delivery by its id and by its signed bytes: a captured delivery re-sent under a new
    /// <c>X-GitHub-Delivery</c> is a replay, not a second merge, and so is a used id with other bytes.
    /// </summary>
    private static Task<WebhookDeliveryClaim> ClaimAsync(
        IWebhookDeliveries deliveries, string name, string? delivery, string signed, DateTimeOffset now, TimeSpan retention, CancellationToken ct)
    {
        List<string> keys = ["sha256:" + signed];
        if (delivery is not null) keys.Add("delivery:" + delivery);
        return deliveries.ClaimAsync(name, keys, $"webhook:{name}:sha256:{signed}:{now.ToUnixTimeMilliseconds()}", now, retention, ct);
    }

    /// <summary>
    /// The person who caused the delivery when the payload names one (GitHub's <c>pull_request.merged_by.login</c>): the
    /// thread's requester, so that person cannot approve their own merge's deploy (map it with <c>People__&lt;name&gt;__N=github:&lt;login&gt;</c>).
    /// </summary>
    private static string? HumanBehind(JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.Object || !payload.TryGetProperty("pull_request", out var pr) || pr.ValueKind != JsonValueKind.Object) return null;
        if (!pr.TryGetProperty("merged_by", out var by) || by.ValueKind != JsonValueKind.Object) return null;
        if (!by.TryGetProperty("login", out var login) || login.ValueKind != JsonValueKind.String) return null;
        var value = login.GetString()!.Trim();
        return value.Length is > 0 and <= 100 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '[' or ']') ? value : null;
    }

    private static string? DeliveryId(IHeaderDictionary headers)
    {
        var id = headers[GitHubDeliveryHeader].ToString();
        if (id.Length == 0) id = headers[DeliveryHeader].ToString();
        id = id.Trim();
        return id.Length is > 0 and <= 200 ? id : null;
    }

    /// <summary>The raw body, byte for byte (the signature covers exactly these bytes); null when over the limit.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: status);
}

/// <summary>What a delivery launched (<see cref="Launched"/>) and which matching-by-name triggers did not fire, and why.</summary>
public sealed record WebhookResponse(IReadOnlyList<WebhookLaunch> Launched, IReadOnlyList<WebhookSkip> Skipped);

/// <summary>One launched thread; <see cref="Duplicate"/> when the delivery had launched it already.</summary>
public sealed record WebhookLaunch(string Agent, string ThreadId, string Location, bool Duplicate);
