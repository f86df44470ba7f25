using System.Text.Json;
using ChatAgent.Core.Grants;
using ChatAgent.Core.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatAgent.Bot.Api;

/// <summary>Standing grants: list them (<c>GET /api/grants</c>, live ones unless <c>?all=true</c>) and revoke one (<c>DELETE /api/grants/{id}</c>).</summary>
public static class GrantsApi
{
    public static IEndpointRouteBuilder MapGrantsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/grants").AddEndpointFilter<ApiKeyFilter>().WithTags("Grants");
        api.MapGet("/", ListAsync).WithSummary("Standing grants, newest first (live ones unless all=true)");
        api.MapDelete("/{id}", RevokeAsync).WithSummary("Revoke a standing grant: from now on it covers no call");
        return app;
    }

    private static async Task<Ok<IEnumerable<GrantView>>> ListAsync(bool? all, string? tool, ThreadService threads, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var grants = await threads.ListGrantsAsync(all == true, string.IsNullOrWhiteSpace(tool) ? null : tool.Trim(), ct);
        return TypedResults.Ok(grants.Select(g => GrantView.Of(g, now)));
    }

    private static async Task<Results<Ok<GrantView>, ProblemHttpResult>> RevokeAsync(
        string id, string? user, string? reason, HttpContext http, ThreadService threads, IGrantIndex grants, TimeProvider time, CancellationToken ct)
    {
        if (Security.InputLimits.Check(("reason", reason)) is { } tooLong) return TypedResults.Problem(detail: tooLong, statusCode: 400);
        if (ThreadsApi.ActorOf(user, http) is not { } actor) return ThreadsApi.NotGranted(user, http);
        var result = await threads.RevokeGrantAsync(id, actor, reason, ct);
        if (!result.Accepted) return ThreadsApi.Rejection(result);
        return TypedResults.Ok(GrantView.Of((await grants.FindGrantAsync(id, ct))!, time.GetUtcNow()));
    }
}

/// <summary>A grant as the API shows it: <c>status</c> is <c>live</c>, <c>expired</c> or <c>revoked</c>.</summary>
public sealed record GrantView(
    string Id,
    string Status,
    string Tool,
    IReadOnlyDictionary<string, JsonElement> Constraints,
    string GrantedBy,
    string? GrantedByName,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    string ThreadId,
    string ApprovalId,
    string? Comment,
    string? RevokedBy,
    DateTimeOffset? RevokedAt)
{
    public static GrantView Of(Grant g, DateTimeOffset now) => new(
        g.Id, g.RevokedAt is not null ? "revoked" : g.IsLive(now) ? "live" : "expired", g.Tool, g.Constraints, g.GrantedBy.Id, g.GrantedBy.Name,
        g.CreatedAt, g.ExpiresAt, g.ThreadId, g.ApprovalId, g.Comment, g.RevokedBy?.Id, g.RevokedAt);
}
