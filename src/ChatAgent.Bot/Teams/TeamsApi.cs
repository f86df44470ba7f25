using System.Text.Json;
using Microsoft.Extensions.Options;

namespace ChatAgent.Bot.Teams;

/// <summary><c>POST /api/messages</c>: the Bot Framework endpoint. Token first, then the body, then the checks that need it.</summary>
public static class TeamsApi
{
    public const string Route = "/api/messages";

    public static IEndpointRouteBuilder MapTeams(this IEndpointRouteBuilder app)
    {
        app.MapPost(Route, HandleAsync).WithTags("Teams").WithSummary("Bot Framework activities (Teams)").ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> HandleAsync(
        HttpContext http, BotFrameworkAuthenticator auth, TeamsActivities activities, IOptions<TeamsOptions> options, CancellationToken ct)
    {
        AuthenticatedToken? token = null;
        if (options.Value.Authenticated)
        {
            token = await auth.ValidateTokenAsync(http.Request.Headers.Authorization.ToString(), ct);
            if (token is null) return Results.Unauthorized();
        }
        Activity? activity;
        try
        {
            activity = await JsonSerializer.DeserializeAsync<Activity>(http.Request.Body, TeamsJson.Options, ct);
        }
        catch (JsonException)
        {
            return Results.BadRequest();
        }
        if (activity?.Type is null) return Results.BadRequest();
        var refusal = token is null ? auth.CheckTenant(activity) : auth.CheckActivity(token, activity);
        if (refusal is not null) return Results.Unauthorized();
        return await activities.HandleAsync(activity, ct);
    }
}
