using ChatAgent.Core.Reliability;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatAgent.Bot.Api;

/// <summary>
/// <c>GET /api/reliability?days=N</c>: measured per tool and per agent or workflow over the last N days (default 7, at most
/// 90), the measured compound estimate beside the chapter's 0.95^N. The one reliability endpoint; the web chat's
/// Reliability view and the daily summary read the same engine.
/// </summary>
public static class ReliabilityApi
{
    public static IEndpointRouteBuilder MapReliabilityApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/reliability", GetAsync).AddEndpointFilter<ApiKeyFilter>().WithTags("Reliability")
            .WithSummary("Measured reliability per tool, agent and workflow, beside the chapter's 0.95^N");
        return app;
    }

    private static async Task<Results<Ok<ReliabilityReport>, ProblemHttpResult>> GetAsync(int? days, ReliabilityEngine reliability, CancellationToken ct)
    {
        if (days is < 1 or > 90)
            return TypedResults.Problem(title: "days.out_of_range", detail: "days is a whole number from 1 to 90.", statusCode: 400,
                extensions: new Dictionary<string, object?> { ["code"] = "days.out_of_range" });
        return TypedResults.Ok(await reliability.MeasureAsync(days is { } d ? TimeSpan.FromDays(d) : null, ct));
    }
}
