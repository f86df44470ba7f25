using ChatAgent.Bot.Api;
using ChatAgent.Core.Agents;
using ChatAgent.Core.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatAgent.Bot.WebChat;

/// <summary><c>GET /api/reliability?threads=N</c>: per-tool success rates and per-agent compound estimates, read from the event store.</summary>
public static class ReliabilityApi
{
    public static IEndpointRouteBuilder MapReliabilityApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/reliability", GetAsync).AddEndpointFilter<ApiKeyFilter>().WithTags("Agents")
            .WithSummary("Per-tool success rates and each agent's compound reliability estimate");
        return app;
    }

    private static async Task<Ok<ReliabilityReport>> GetAsync(int? threads, IEventStore store, IAgentCatalog catalog, CancellationToken ct)
    {
        var list = await store.ListAsync(new ThreadQuery(Limit: Math.Clamp(threads ?? 500, 1, 5000)), ct);
        var streams = new List<IReadOnlyList<Core.Events.StoredEvent>>(list.Count);
        foreach (var summary in list) streams.Add(await store.ReadAsync(summary.Id, 0, ct));
        return TypedResults.Ok(ReliabilityReport.Compute(streams, catalog.Agents));
    }
}
