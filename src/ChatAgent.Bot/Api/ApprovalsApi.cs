using ChatAgent.Core.Approvals;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatAgent.Bot.Api;

/// <summary>
/// A person's approvals inbox: <c>GET /api/approvals?user=</c> lists every pending approval they may decide now, the
/// soonest to expire first (the same list as the <c>pending</c> chat command, Slack's App Home and the web chat's "Awaiting you").
/// The person is the caller, or an identity the caller's key was granted (<see cref="ApiCaller"/>).
/// </summary>
public static class ApprovalsApi
{
    public static IEndpointRouteBuilder MapApprovalsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/approvals", ListAsync).AddEndpointFilter<ApiKeyFilter>().WithTags("Approvals")
            .WithSummary("The approvals waiting for a person: every pending approval they may decide now");
        return app;
    }

    private static async Task<Results<Ok<IEnumerable<InboxItemView>>, ProblemHttpResult>> ListAsync(
        string? user, HttpContext http, ApprovalInbox inbox, CancellationToken ct)
    {
        if (ThreadsApi.ActorOf(user, http) is not { } actor) return ThreadsApi.NotGranted(user, http);
        return TypedResults.Ok((await inbox.ForAsync(actor.Id, ct)).Select(ThreadViews.InboxItem));
    }
}
