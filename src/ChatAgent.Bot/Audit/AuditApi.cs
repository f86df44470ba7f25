using System.Text.Json;
using ChatAgent.Bot.Api;
using ChatAgent.Core.Audit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace ChatAgent.Bot.Audit;

/// <summary>
/// <c>GET /api/audit?from=&amp;to=</c>: approval decisions as JSON lines; <c>GET /api/audit/verify</c>: the hash-chain walk
/// (200 when intact, 409 naming the first altered or removed event of each broken thread, and each thread deleted since the
/// latest checkpoint); <c>POST /api/audit/checkpoints</c>: verify, then sign every thread's head as the next checkpoint
/// (200 naming it; 409 with the report and nothing written when the walk is not clean; 400 without <c>Audit__Key</c>).
/// API-key protected.
/// </summary>
public static class AuditApi
{
    public const string JsonLines = "application/x-ndjson";

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/audit").AddEndpointFilter<ApiKeyFilter>().WithTags("Audit");
        api.MapGet("/", ExportAsync).WithSummary("Approval decisions in [from, to) as JSON lines");
        api.MapGet("/verify", VerifyAsync).WithSummary("Walk every thread's hash chain and compare with the latest checkpoint");
        api.MapPost("/checkpoints", CheckpointAsync).WithSummary("Verify, then sign every thread's head as the next checkpoint");
        return app;
    }

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> ExportAsync(
        DateTimeOffset? from, DateTimeOffset? to, HttpContext http, AuditTrail trail, IOptions<JsonOptions> json, CancellationToken ct)
    {
        var start = from ?? DateTimeOffset.UnixEpoch;
        var end = to ?? DateTimeOffset.UtcNow.AddDays(1);
        if (end < start) return TypedResults.Problem(detail: "to must not be before from.", statusCode: 400);
        http.Response.ContentType = JsonLines;
        await foreach (var decision in trail.DecisionsAsync(start, end, ct))
        {
            await JsonSerializer.SerializeAsync(http.Response.Body, decision, json.Value.SerializerOptions, ct);
            await http.Response.Body.WriteAsync("\n"u8.ToArray(), ct);
        }
        return TypedResults.Empty;
    }

    private static async Task<Results<Ok<AuditReport>, JsonHttpResult<AuditReport>>> VerifyAsync(AuditVerification audit, CancellationToken ct)
    {
        var report = await audit.VerifyAsync(ct);
        return report.Ok ? TypedResults.Ok(report) : TypedResults.Json(report, statusCode: StatusCodes.Status409Conflict);
    }

    private static async Task<Results<Ok<AuditReport>, JsonHttpResult<AuditReport>, ProblemHttpResult>> CheckpointAsync(
        AuditVerification audit, AuditKey key, CancellationToken ct)
    {
        if (key.Value is null) return TypedResults.Problem(detail: "Audit checkpoints are signed with Audit__Key, which is not set.", statusCode: 400);
        var report = await audit.CheckpointAsync(ct);
        return report.Ok ? TypedResults.Ok(report) : TypedResults.Json(report, statusCode: StatusCodes.Status409Conflict);
    }
}
