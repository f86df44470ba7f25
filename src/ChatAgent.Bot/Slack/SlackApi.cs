using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace ChatAgent.Bot.Slack;

/// <summary>
/// Slack's HTTP entry points. Each reads the raw body once, verifies Slack's signature over it (forged or stale:
/// 401), then parses it (malformed: 400) and hands it to the handler shared with Socket Mode. Nothing is appended
/// before the signature checks out. Without <c>Slack__SigningSecret</c> the routes answer 404.
/// </summary>
public static class SlackApi
{
    private const int MaxBodyBytes = 1 << 20;

    public static IEndpointRouteBuilder MapSlack(this IEndpointRouteBuilder app)
    {
        var slack = app.MapGroup("/slack").WithTags("Slack").ExcludeFromDescription();
        slack.MapPost("/commands", CommandsAsync);
        slack.MapPost("/interactions", InteractionsAsync);
        slack.MapPost("/events", EventsAsync);
        return app;
    }

    private static async Task<IResult> CommandsAsync(HttpContext http, SlackCommands commands, CancellationToken ct)
    {
        if (await ReadVerifiedAsync(http, ct) is not { } body) return Refusal(http);
        var form = QueryHelpers.ParseQuery(body);
        string? Field(string name) => form.TryGetValue(name, out var v) ? v.ToString() : null;
        if (Field("command") is not { Length: > 0 } command || Field("user_id") is not { Length: > 0 } user
            || Field("channel_id") is not { Length: > 0 } channel || Field("trigger_id") is not { Length: > 0 } trigger)
            return TypedResults.BadRequest("Not a slash command.");
        var reply = await commands.HandleSlashAsync(new SlashCommand(command, Field("text") ?? "", user, Field("user_name"), channel, trigger, Field("response_url")), ct);
        return TypedResults.Json(Ephemeral(reply), SlackJson.Options);
    }

    private static async Task<IResult> InteractionsAsync(HttpContext http, SlackInteractions interactions, CancellationToken ct)
    {
        if (await ReadVerifiedAsync(http, ct) is not { } body) return Refusal(http);
        var form = QueryHelpers.ParseQuery(body);
        if (!form.TryGetValue("payload", out var json) || SlackPayloadParser.TryParse<InteractionPayload>(json.ToString()) is not { } payload)
            return TypedResults.BadRequest("Not an interaction payload.");
        return await interactions.HandleAsync(payload, ct) is { } answer ? TypedResults.Json(answer, SlackJson.Options) : TypedResults.Ok();
    }

    private static async Task<IResult> EventsAsync(HttpContext http, SlackEvents events, CancellationToken ct)
    {
        if (await ReadVerifiedAsync(http, ct) is not { } body) return Refusal(http);
        if (SlackPayloadParser.TryParse<EventEnvelope>(body) is not { } envelope) return TypedResults.BadRequest("Not an Events API request.");
        return await events.HandleAsync(envelope, ct) is { } answer ? TypedResults.Json(answer, SlackJson.Options) : TypedResults.Ok();
    }

    /// <summary>The ephemeral answer to a slash command, as the HTTP response body (or a Socket Mode ack payload).</summary>
    public static object Ephemeral(SlackReply reply) => new Dictionary<string, object?>
    {
        ["response_type"] = "ephemeral",
        ["text"] = reply.Text,
        ["blocks"] = reply.Blocks,
    };

    /// <summary>The verified body as text; null with the refusal's status stored on the context.</summary>
    private static async Task<string?> ReadVerifiedAsync(HttpContext http, CancellationToken ct)
    {
        var options = http.RequestServices.GetRequiredService<IOptions<SlackOptions>>().Value;
        if (!options.HttpEnabled) return Refuse(http, StatusCodes.Status404NotFound);
        if (http.Request.ContentLength > MaxBodyBytes) return Refuse(http, StatusCodes.Status413PayloadTooLarge);
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, ct);
        if (buffer.Length > MaxBodyBytes) return Refuse(http, StatusCodes.Status413PayloadTooLarge);
        var verifier = http.RequestServices.GetRequiredService<SlackSignatureVerifier>();
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (!verifier.Verify(http.Request.Headers[SlackSignatureVerifier.TimestampHeader], http.Request.Headers[SlackSignatureVerifier.SignatureHeader], bytes))
        {
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SlackApi))
                .LogWarning("Refused a Slack request to {Path} with a missing, forged or stale signature", http.Request.Path);
            return Refuse(http, StatusCodes.Status401Unauthorized);
        }
        try
        {
            return new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return Refuse(http, StatusCodes.Status400BadRequest);
        }
    }

    private const string RefusalItem = "slack.refusal";

    private static string? Refuse(HttpContext http, int status)
    {
        http.Items[RefusalItem] = status;
        return null;
    }

    private static IResult Refusal(HttpContext http) => TypedResults.StatusCode(http.Items[RefusalItem] as int? ?? StatusCodes.Status400BadRequest);
}
