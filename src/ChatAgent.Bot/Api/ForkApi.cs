using System.Text.Json;
using ChatAgent.Bot.Security;
using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace ChatAgent.Bot.Api;

/// <summary>
/// <c>POST /api/threads/{id}/fork</c> (dry-run replay, docs/API.md "Fork a thread"): 201 with the fork's view, or a
/// problem naming the field (<c>field</c>) that was refused: malformed JSON, a missing or unknown <c>at</c>, a fork that
/// is not a dry run, an unknown prompt version or planner. Who forks is the authenticated caller (the key, or
/// <c>api:local</c>), never a body field: a body with a <c>user</c> (or any unknown field) is refused. Nothing is
/// appended for any refusal, to the fork or to the origin.
/// </summary>
public static class ForkApi
{
    public static async Task<Results<Created<ThreadView>, ProblemHttpResult>> ForkAsync(
        string id, HttpContext http, ThreadForker forker, IOptions<JsonOptions> json, CancellationToken ct)
    {
        ForkRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<ForkRequest>(http.Request.Body, json.Value.SerializerOptions, ct);
        }
        catch (JsonException ex)
        {
            var field = ex.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "body";
            return Refused(field, "fork.malformed", field == "body"
                ? "The body must be a JSON object: {\"at\":<seq>,\"dryRun\":true}."
                : $"'{field}' is not accepted here or has the wrong type (at: a whole number; dryRun, post: true or false; promptVersion, planner: strings; nothing else).");
        }
        if (body is null) return Refused("body", "fork.malformed", "The body must be a JSON object: {\"at\":<seq>,\"dryRun\":true}.");
        if (body.At is not { } at) return Refused("at", "fork.malformed", "at is required: the seq of the event the fork starts after.");
        if (body.DryRun is not { } dryRun) return Refused("dryRun", "fork.malformed", "dryRun is required and must be true: only dry runs can be forked.");
        if (InputLimits.Check(("promptVersion", body.PromptVersion), ("planner", body.Planner)) is { } tooLong)
            return Refused(tooLong.StartsWith("planner", StringComparison.Ordinal) ? "planner" : "promptVersion", "input.too_long", tooLong);

        var caller = Actor.User(ApiCaller.Of(http).Id);
        var result = await forker.ForkAsync(new ForkCommand(id, at, caller, dryRun, Blank(body.PromptVersion), Blank(body.Planner), body.Post == true), ct);
        if (result.Accepted) return TypedResults.Created($"/api/threads/{result.State!.Id}", ThreadViews.View(result.State));
        return result.Code switch
        {
            RejectionCodes.ThreadNotFound => TypedResults.Problem(title: result.Code, detail: result.Message, statusCode: 404,
                extensions: new Dictionary<string, object?> { ["code"] = result.Code }),
            RejectionCodes.ForkSeqUnknown => Refused("at", result.Code, result.Message!),
            RejectionCodes.ForkDryRunOnly => Refused("dryRun", result.Code, result.Message!),
            RejectionCodes.ForkPromptUnknown => Refused("promptVersion", result.Code, result.Message!),
            RejectionCodes.ForkPlannerUnknown => Refused("planner", result.Code, result.Message!),
            _ => TypedResults.Problem(title: result.Code, detail: result.Message, statusCode: 409,
                extensions: new Dictionary<string, object?> { ["code"] = result.Code }),
        };
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static ProblemHttpResult Refused(string field, string code, string detail) => TypedResults.Problem(
        title: code, detail: detail, statusCode: 400,
        extensions: new Dictionary<string, object?> { ["code"] = code, ["field"] = field });
}
