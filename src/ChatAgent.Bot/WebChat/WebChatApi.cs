using System.Text.RegularExpressions;
using ChatAgent.Bot.Api;
using ChatAgent.Bot.Security;
using ChatAgent.Core.Agents;
using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Threads;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatAgent.Bot.WebChat;

/// <summary>
/// The web chat's own endpoints: launch a thread from the browser (origin <c>web</c>, requester <c>web:&lt;name&gt;</c>) and the
/// thread's live feed. Everything else the page does goes through the REST API (<c>/api/threads…</c>) as <c>web:&lt;name&gt;</c>.
/// Same access rule as the API: loopback only until API keys are configured, and a key names only the <c>web:</c> people it was granted.
/// </summary>
public static partial class WebChatApi
{
    public static IEndpointRouteBuilder MapWebChatApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/webchat").AddEndpointFilter<ApiKeyFilter>().WithTags("Web chat");
        group.MapPost("/threads", LaunchAsync).WithSummary("Launch a thread from the web chat");
        group.MapGet("/threads/{id}/stream", ThreadFeed.StreamAsync).WithSummary("Server-sent events: the thread's events as they are appended, then its state");
        return app;
    }

    private static async Task<Results<Accepted<ThreadState>, ProblemHttpResult>> LaunchAsync(
        WebLaunchRequest body, HttpContext http, ThreadService threads, IAgentCatalog catalog, CancellationToken ct)
    {
        var name = body.User?.Trim() ?? "";
        if (!NamePattern().IsMatch(name)) return Problem(400, "Say who you are first: a name of 1 to 40 letters, digits, '.', '_' or '-'.");
        if (InputLimits.Check(("input", body.Input)) is { } tooLong) return Problem(400, tooLong);
        var caller = ApiCaller.Of(http);
        if (caller.ActorFor("web:" + name) is null) return Problem(403, caller.Refusal("web:" + name));
        var (agent, input) = Resolve(body.Agent?.Trim() ?? "", body.Input?.Trim() ?? "", catalog);
        if (agent.Length == 0) return Problem(400, "Pick an agent, or start the command with an agent's name.");
        var session = string.IsNullOrWhiteSpace(body.Session) ? null : body.Session.Trim()[..Math.Min(64, body.Session.Trim().Length)];
        var actor = Actor.User("web:" + name, name);
        var result = await threads.LaunchAsync(new LaunchCommand(agent, input, new Origin(WebChatSurface.PlatformName, session, User: actor.Id), actor), ct);
        if (!result.Accepted)
            return TypedResults.Problem(title: result.Code, detail: result.Message, statusCode: 400, extensions: new Dictionary<string, object?> { ["code"] = result.Code });
        return TypedResults.Accepted($"/api/threads/{result.State!.Id}", result.State);
    }

    /// <summary>
    /// <c>deploy api to production</c> typed with no agent picked (or with the picked agent's name repeated) launches <c>deploy</c>
    /// with <c>api to production</c>.
    /// </summary>
    internal static (string Agent, string Input) Resolve(string agent, string input, IAgentCatalog catalog)
    {
        var space = input.IndexOf(' ');
        var first = space < 0 ? input : input[..space];
        var rest = space < 0 ? "" : input[(space + 1)..].Trim();
        if (catalog.FindAgent(first) is { } named && (agent.Length == 0 || string.Equals(agent, named.Name, StringComparison.OrdinalIgnoreCase)))
            return (named.Name, rest);
        return (agent, input);
    }

    private static ProblemHttpResult Problem(int status, string detail) => TypedResults.Problem(detail: detail, statusCode: status);

    [GeneratedRegex("^[A-Za-z0-9._-]{1,40}$", RegexOptions.NonBacktracking)]
    private static partial Regex NamePattern();
}
