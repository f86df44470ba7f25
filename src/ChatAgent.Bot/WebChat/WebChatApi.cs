using System.Text.RegularExpressions;
using ChatAgent.Bot.Api;
using ChatAgent.Bot.Security;
using ChatAgent.Core.Chat;
using ChatAgent.Core.Events;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatAgent.Bot.WebChat;

/// <summary>
/// The web chat's own endpoints: the command box (<c>POST /webchat/commands</c>: one line of the chat command language, as
/// <c>web:&lt;name&gt;</c>, from browser session <c>session</c>) and the thread's live feed. Everything else the page does goes
/// through the REST API (<c>/api/threads…</c>) as <c>web:&lt;name&gt;</c>. Same access rule as the API: loopback only until API
/// keys are configured, and a key names only the <c>web:</c> people it was granted.
/// </summary>
public static partial class WebChatApi
{
    /// <summary>Plain text: the page shows it as typed lines, no marks.</summary>
    public static ChatStyle Style => ChatStyle.Plain;

    public static IEndpointRouteBuilder MapWebChatApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/webchat").AddEndpointFilter<ApiKeyFilter>().WithTags("Web chat");
        group.MapPost("/commands", RunAsync).WithSummary("Run one line typed in the web chat's box (a launch, help, list, pending, status, pause, resume, abort)");
        group.MapGet("/threads/{id}/stream", ThreadFeed.StreamAsync).WithSummary("Server-sent events: the thread's events as they are appended, then its state");
        return app;
    }

    private static async Task<Results<Accepted<WebChatReply>, Ok<WebChatReply>, ProblemHttpResult>> RunAsync(
        WebCommandRequest body, HttpContext http, ChatCommandRunner runner, CancellationToken ct)
    {
        var name = body.User?.Trim() ?? "";
        if (!NamePattern().IsMatch(name)) return Problem(400, "Say who you are first: a name of 1 to 40 letters, digits, '.', '_' or '-'.");
        if (InputLimits.Check(("line", body.Line)) is { } tooLong) return Problem(400, tooLong);
        var caller = ApiCaller.Of(http);
        if (caller.ActorFor("web:" + name) is null) return Problem(403, caller.Refusal("web:" + name));
        if (string.IsNullOrWhiteSpace(body.Line)) return Problem(400, "Type a command, such as \"deploy api to production\", or \"help\".");
        var session = string.IsNullOrWhiteSpace(body.Session) ? null : body.Session.Trim()[..Math.Min(64, body.Session.Trim().Length)];
        var actor = Actor.User("web:" + name, name);
        var context = new ChatContext(actor, new Origin(WebChatSurface.PlatformName, session, User: actor.Id), Style, DefaultAgent: body.Agent);
        return await runner.RunAsync(body.Line, context, ct) switch
        {
            ThreadLaunched launched => TypedResults.Accepted($"/api/threads/{launched.ThreadId}", WebChatReply.From(launched)),
            var reply => TypedResults.Ok(WebChatReply.From(reply)),
        };
    }

    private static ProblemHttpResult Problem(int status, string detail) => TypedResults.Problem(detail: detail, statusCode: status);

    [GeneratedRegex("^[A-Za-z0-9._-]{1,40}$", RegexOptions.NonBacktracking)]
    private static partial Regex NamePattern();
}
