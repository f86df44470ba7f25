using System.Text.Json;
using Microsoft.Extensions.Options;

namespace ChatAgent.Bot.Teams;

/// <summary><c>POST /api/messages</c>: the Bot Framework endpoint. 404 without <c>Teams:AppId</c> (unless Emulator mode). Token first, then the body, then the checks that need it.</summary>
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
        if (!options.Value.Enabled) return Results.NotFound();
        AuthenticatedToken? token = null;
        if (options.Value.Authenticated)
        {
            try
            {
                token = await auth.ValidateTokenAsync(http.Request.Headers.Authorization.ToString(), ct);
            }
            catch (BotFrameworkMetadataUnavailableException)
            {
                // Nothing can be verified until the signing keys can be fetched: try again later, not a 500.
                http.Response.Headers.RetryAfter = "30";
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }
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
        // Only Teams itself (or the Emulator in Emulator mode): a token endorsed for another channel, such as webchat,
        // must not carry an activity whose tenant and user the client chose.
        if (!string.Equals(activity.ChannelId, options.Value.AcceptedChannel, StringComparison.OrdinalIgnoreCase))
        {
            auth.LogRefusal($"channel '{activity.ChannelId}' is not {options.Value.AcceptedChannel}");
            return Results.Unauthorized();
        }
        var refusal = token is null ? auth.CheckTenant(activity) : auth.CheckActivity(token, activity);
        if (refusal is not null) return Results.Unauthorized();
        return await activities.HandleAsync(activity, ct);
    }
}
