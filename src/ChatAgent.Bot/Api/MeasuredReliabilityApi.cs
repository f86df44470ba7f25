using ChatAgent.Core.Reliability;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatAgent.Bot.Api;

/// <summary>
/// <c>GET /api/reliability/measured</c> (the web chat owns <c>/api/reliability</c>; to be merged): per tool and per agent/workflow, the success rate measured from the event store, the
/// estimated end-to-end success (the product over the steps, the chapter's 0.95^N) and the observed completion rate.
/// Reads every listed thread's events (at most <c>limit</c>, default 1000): fine for now, a projection later.
/// </summary>
public static class MeasuredReliabilityApi
{
    public static IEndpointRouteBuilder MapMeasuredReliabilityApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/reliability/measured", GetAsync).AddEndpointFilter<ApiKeyFilter>().WithTags("Reliability")
            .WithSummary("Measured reliability per tool, agent and workflow");
        return app;
    }

    private static async Task<Ok<ReliabilityReport>> GetAsync(int? limit, ReliabilityCalculator reliability, CancellationToken ct) =>
        TypedResults.Ok(await reliability.MeasureAsync(Math.Clamp(limit ?? 1000, 1, 10000), ct));
}
