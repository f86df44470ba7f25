using ChatAgent.Bot.Api;
using ChatAgent.Core.Chat;
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

    /// <summary>In the order people meet them (<c>Chat:FirstAgent</c>, default <c>deploy</c>, first): the page selects the first.</summary>
    private static Ok<IEnumerable<AgentView>> List(ChatCommandRunner chat) =>
        TypedResults.Ok(chat.Agents.Select(a => new AgentView(
            a.Name, a.Description, a.Command.Usage(a.Name), a.Command.Pattern, a.MaxSteps, a.Tools,
            [.. a.Plan.Select(p => p.Tool)], a.Triggers.Slash)));
}
