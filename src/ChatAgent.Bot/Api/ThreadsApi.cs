using ChatAgent.Bot.Security;
using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Threads;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatAgent.Bot.Api;

/// <summary>The REST API (factor 6): launch, list, inspect (with time travel), pause, resume, decide, answer, fork (<see cref="ForkApi"/>).</summary>
public static class ThreadsApi
{
    /// <summary>Optional launch header (or body field <c>idempotencyKey</c>): a repeat returns the thread already started.</summary>
    public const string IdempotencyHeader = "Idempotency-Key";

    public static IEndpointRouteBuilder MapThreadsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/threads").AddEndpointFilter<ApiKeyFilter>().WithTags("Threads");
        api.MapPost("/", LaunchAsync).WithSummary("Launch a thread");
        api.MapGet("/", ListAsync).WithSummary("List threads, newest first");
        api.MapGet("/{id}", GetAsync).WithSummary("A thread's view (docs/API.md, The thread view)");
        api.MapGet("/{id}/events", EventsAsync).WithSummary("A thread's events after a seq");
        api.MapGet("/{id}/state", StateAtAsync).WithSummary("A thread's view right after event `at` (time travel)");
        api.MapPost("/{id}/pause", PauseAsync).WithSummary("Pause a thread");
        api.MapPost("/{id}/resume", ResumeAsync).WithSummary("Resume a paused thread, optionally with feedback");
        api.MapPost("/{id}/abort", AbortAsync).WithSummary("End a thread for good");
        api.MapPost("/{id}/answer", AnswerAsync).WithSummary("Answer the thread's pending question");
        api.MapPost("/{id}/approvals/{approvalId}", DecideAsync).WithSummary("Approve or deny a pending approval");
        api.MapPost("/{id}/fork", ForkApi.ForkAsync).Accepts<ForkRequest>("application/json").WithSummary("Fork a thread as a dry run from the state right after event `at`");
        return app;
    }

    private static async Task<Results<Accepted<ThreadView>, Ok<ThreadView>, ProblemHttpResult>> LaunchAsync(
        LaunchRequest body, HttpContext http, ThreadService threads, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.Agent)) return Problem(400, "agent is required.");
        if (InputLimits.Check(("input", body.Input)) is { } tooLong) return Problem(400, tooLong);
        if (ActorOf(body.User, http) is not { } actor) return NotGranted(body.User, http);
        var idempotencyKey = body.IdempotencyKey ?? http.Request.Headers[IdempotencyHeader].ToString();
        var result = await threads.LaunchAsync(new LaunchCommand(body.Agent.Trim(), body.Input?.Trim() ?? "",
            new Origin("api", User: actor.Id), actor, string.IsNullOrWhiteSpace(idempotencyKey) ? null : "api:" + idempotencyKey.Trim()), ct);
        if (!result.Accepted) return Rejection(result);
        var location = $"/api/threads/{result.State!.Id}";
        if (result.Duplicate)
        {
            // A repeat of an idempotent launch: the thread it started, as it is now.
            http.Response.Headers.Location = location;
            return TypedResults.Ok(ThreadViews.View(result.State));
        }
        return TypedResults.Accepted(location, ThreadViews.View(result.State));
    }

    private static async Task<Results<Ok<IEnumerable<ThreadListItem>>, ProblemHttpResult>> ListAsync(
        string? status, string? agent, int? limit, ThreadService threads, CancellationToken ct)
    {
        ThreadStatus? parsed = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (!ThreadStatusExtensions.TryParse(status.Trim(), out var s))
                return Problem(400, $"status must be one of {string.Join(", ", Enum.GetValues<ThreadStatus>().Select(v => v.WireName()))}.");
            parsed = s;
        }
        var query = new ThreadQuery(parsed?.WireName(), string.IsNullOrWhiteSpace(agent) ? null : agent.Trim(), Math.Clamp(limit ?? 100, 1, 1000));
        return TypedResults.Ok((await threads.ListAsync(query, ct)).Select(ThreadViews.ListItem));
    }

    private static async Task<Results<Ok<ThreadView>, ProblemHttpResult>> GetAsync(string id, ThreadService threads, CancellationToken ct) =>
        await threads.GetStateAsync(id, null, ct) is { } state ? TypedResults.Ok(ThreadViews.View(state)) : NotFound(id);

    private static async Task<Results<Ok<IEnumerable<EventView>>, ProblemHttpResult>> EventsAsync(string id, long? after, ThreadService threads, CancellationToken ct)
    {
        var events = await threads.GetEventsAsync(id, Math.Max(0, after ?? 0), ct);
        if (events.Count == 0 && await threads.GetStateAsync(id, null, ct) is null) return NotFound(id);
        return TypedResults.Ok(events.Select(e => new EventView(e.Seq, e.Data.Type, e.At, e.Actor, e.Data)));
    }

    private static async Task<Results<Ok<ThreadView>, ProblemHttpResult>> StateAtAsync(string id, long? at, ThreadService threads, CancellationToken ct)
    {
        if (at is null or < 1) return Problem(400, "at must be a seq of 1 or more.");
        if (await threads.GetStateAsync(id, null, ct) is not { } current) return NotFound(id);
        if (at > current.Version) return Problem(404, $"Thread {id} has {current.Version} events; there is no event {at}.");
        return TypedResults.Ok(ThreadViews.View((await threads.GetStateAsync(id, at, ct))!));
    }

    private static async Task<Results<Ok<ThreadView>, ProblemHttpResult>> PauseAsync(string id, ActorRequest? body, HttpContext http, ThreadService threads, CancellationToken ct)
    {
        if (InputLimits.Check(("reason", body?.Reason)) is { } tooLong) return Problem(400, tooLong);
        if (ActorOf(body?.User, http) is not { } actor) return NotGranted(body?.User, http);
        return Answer(await threads.PauseAsync(id, actor, ct));
    }

    private static async Task<Results<Ok<ThreadView>, ProblemHttpResult>> ResumeAsync(string id, ResumeRequest? body, HttpContext http, ThreadService threads, CancellationToken ct)
    {
        if (InputLimits.Check(("feedback", body?.Feedback)) is { } tooLong) return Problem(400, tooLong);
        if (ActorOf(body?.User, http) is not { } actor) return NotGranted(body?.User, http);
        return Answer(await threads.ResumeAsync(id, actor, body?.Feedback, ct));
    }

    private static async Task<Results<Ok<ThreadView>, ProblemHttpResult>> AbortAsync(string id, ActorRequest? body, HttpContext http, ThreadService threads, CancellationToken ct)
    {
        if (InputLimits.Check(("reason", body?.Reason)) is { } tooLong) return Problem(400, tooLong);
        if (ActorOf(body?.User, http) is not { } actor) return NotGranted(body?.User, http);
        return Answer(await threads.AbortAsync(id, actor, body?.Reason, ct));
    }

    private static async Task<Results<Ok<ThreadView>, ProblemHttpResult>> AnswerAsync(string id, AnswerRequest body, HttpContext http, ThreadService threads, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.Text)) return Problem(400, "text is required.");
        if (InputLimits.Check(("text", body.Text)) is { } tooLong) return Problem(400, tooLong);
        if (ActorOf(body.User, http) is not { } actor) return NotGranted(body.User, http);
        return Answer(await threads.AnswerAsync(id, actor, body.Text, null, ct));
    }

    private static async Task<Results<Ok<ThreadView>, ProblemHttpResult>> DecideAsync(string id, string approvalId, DecisionRequest body, HttpContext http, ThreadService threads, CancellationToken ct)
    {
        var approve = body.Decision?.Trim().ToLowerInvariant() switch
        {
            "approve" or "approved" or "grant" => true,
            "deny" or "denied" or "reject" => (bool?)false,
            _ => null,
        };
        if (approve is null) return Problem(400, "decision must be \"approve\" or \"deny\".");
        if (InputLimits.Check(("comment", body.Comment)) is { } tooLong) return Problem(400, tooLong);
        var edited = body.Parameters is { ValueKind: not System.Text.Json.JsonValueKind.Null } p ? p : (System.Text.Json.JsonElement?)null;
        if (edited is not null && approve == false) return Problem(400, "parameters can only be changed when approving: leave them out to deny.");
        TimeSpan? allowFor = null;
        if (!string.IsNullOrWhiteSpace(body.AllowFor))
        {
            if (approve == false || edited is not null) return Problem(400, "allowFor goes with a plain approval: not with a denial or changed parameters.");
            allowFor = Core.Tools.Durations.Parse(body.AllowFor);
            if (allowFor is null) return Problem(400, "allowFor must be a positive duration such as 30m or 1h.");
        }
        if (ActorOf(body.User, http) is not { } actor) return NotGranted(body.User, http);
        if (allowFor is { } duration) return Answer(await threads.ApproveAndAllowAsync(id, approvalId, duration, actor, body.Comment, ct));
        return Answer(edited is { } parameters
            ? await threads.ApproveWithChangesAsync(id, approvalId, parameters, actor, body.Comment, ct)
            : await threads.DecideApprovalAsync(id, approvalId, approve.Value, actor, body.Comment, ct));
    }

    /// <summary>
    /// The person acting: granted to the caller, never claimed (<see cref="ApiCaller.ActorFor"/>); null when the caller
    /// names someone it was not granted.
    /// </summary>
    internal static Actor? ActorOf(string? user, HttpContext http) => ApiCaller.Of(http).ActorFor(user);

    internal static ProblemHttpResult NotGranted(string? user, HttpContext http) => TypedResults.Problem(
        title: "identity.not_granted", detail: ApiCaller.Of(http).Refusal(user), statusCode: 403,
        extensions: new Dictionary<string, object?> { ["code"] = "identity.not_granted" });

    private static Results<Ok<ThreadView>, ProblemHttpResult> Answer(CommandResult result) =>
        result.Accepted ? TypedResults.Ok(ThreadViews.View(result.State!)) : Rejection(result);

    internal static ProblemHttpResult Rejection(CommandResult result) => TypedResults.Problem(
        title: result.Code,
        detail: result.Message,
        statusCode: result.Code switch
        {
            RejectionCodes.ThreadNotFound or RejectionCodes.ApprovalNotFound or RejectionCodes.GrantNotFound => 404,
            RejectionCodes.ApprovalNotAllowed or RejectionCodes.ApprovalSelf or RejectionCodes.SteerNotAllowed or RejectionCodes.ApprovalNotEditable
                or RejectionCodes.GrantNotGrantable or RejectionCodes.GrantSelf or RejectionCodes.GrantNotAllowed => 403,
            RejectionCodes.AgentUnknown or RejectionCodes.Usage or RejectionCodes.ApprovalInvalidParameters or RejectionCodes.GrantTooLong => 400,
            _ => 409,
        },
        extensions: new Dictionary<string, object?> { ["code"] = result.Code });

    private static ProblemHttpResult NotFound(string id) => Problem(404, $"There is no thread {id}.");

    private static ProblemHttpResult Problem(int status, string detail) => TypedResults.Problem(detail: detail, statusCode: status);
}
