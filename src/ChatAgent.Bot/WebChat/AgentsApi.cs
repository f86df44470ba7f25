using ChatAgent.Bot.Api;
using ChatAgent.Core.Agents;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatAgent.Bot.WebChat;

/// <summary><c>GET /api/agents</c>: the loaded agents, with the usage line of their command grammar.</summary>
public static class AgentsApi
{
    public static IEndpointRouteBuilder MapAgentsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/agents", List).AddEndpointFilter<ApiKeyFilter>().WithTags("Agents").WithSummary("The agents this bot runs");
        return app;
    }

    private static Ok<IEnumerable<AgentView>> List(IAgentCatalog catalog) =>
        TypedResults.Ok(catalog.Agents.OrderBy(a => a.Name, StringComparer.Ordinal).Select(a => new AgentView(
            a.Name, a.Description, a.Command.Usage(a.Name), a.Command.Pattern, a.MaxSteps, a.Tools,
            [.. a.Plan.Select(p => p.Tool)], a.Triggers.Slash)));
}
