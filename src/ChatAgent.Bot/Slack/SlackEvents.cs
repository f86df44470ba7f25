using System.Text.RegularExpressions;
using ChatAgent.Core.Approvals;
using ChatAgent.Core.Chat;
using ChatAgent.Core.Runtime;

namespace ChatAgent.Bot.Slack;

/// <summary>
/// The Events API: <c>app_mention</c> and direct messages launch a thread, or — as a reply in the Slack thread of
/// a ChatAgent thread that waits for an answer — answer its question. A plain reply (no @mention) in such a Slack
/// thread answers too (<c>message.channels</c>, <c>message.groups</c>), but only from the person asked or the
/// requester: colleagues talking in the thread are not taken as answers, and plain channel messages never launch.
/// Deliveries are deduplicated durably by <c>event_id</c> (the launch's delivery key; an answer only lands while the
/// question is pending), so Slack's retries, which may be the only copy that arrives, are processed like any
/// delivery. Bot messages and edits (any subtype) are ignored. <c>app_home_opened</c> publishes the person's App Home
/// inbox (<see cref="SlackHome"/>).
/// </summary>
public sealed partial class SlackEvents(SlackCommands commands, ThreadService threads, IConversationIndex index, SlackApiClient api,
    PeopleDirectory people, SlackHome home, ILogger<SlackEvents> log)
{
    public async Task<object?> HandleAsync(EventEnvelope envelope, CancellationToken ct)
    {
        if (envelope.Type == "url_verification") return new Dictionary<string, string?> { ["challenge"] = envelope.Challenge };
        if (envelope.Type != "event_callback" || envelope.Event is not { } e || envelope.EventId is null) return null;
        if (e.Type == "app_home_opened")
        {
            // The inbox: what awaits the person, published for them each time they open the tab.
            if (e.Tab == "home" && e.User is { } user) await home.PublishAsync(user, null, ct);
            return null;
        }
        var threadReply = e.Type == "message" && e.ChannelType is "channel" or "group" or "mpim" && e.ThreadTs is { } t && t != e.Ts;
        var relevant = e.Type == "app_mention" || (e.Type == "message" && e.ChannelType == "im") || threadReply;
        if (!relevant || e.BotId is not null || e.Subtype is not null || e.User is null || e.Channel is null || e.Ts is null) return null;
        // A reply that @mentions the bot also arrives as app_mention (another event_id): that copy is the one handled.
        if (threadReply && MentionsBot(envelope, e.Text)) return null;

        var text = MentionRegex().Replace(e.Text ?? "", "").Trim();
        var actor = SlackUsers.Actor(e.User, null);
        if (e.ThreadTs is { } threadTs && threadTs != e.Ts
            && await index.FindThreadAsync(SlackChatSurface.PlatformName, SlackChatSurface.ConversationId(e.Channel, threadTs), ct) is { } threadId)
        {
            var state = await threads.GetStateAsync(threadId, null, ct);
            if (state?.PendingQuestion is { } question)
            {
                if (threadReply && !people.SamePerson(question.To ?? state.RequestedBy, actor.Id) && !people.SamePerson(state.RequestedBy, actor.Id))
                {
                    log.LogInformation("Slack reply by {User} on {ThreadId} is not from the person asked; not taken as an answer", actor.Id, threadId);
                    return null;
                }
                var answered = await threads.AnswerAsync(threadId, actor, text, question.Id, ct);
                if (!answered.Accepted) log.LogInformation("Slack reply on {ThreadId} not taken as an answer: {Code}", threadId, answered.Code);
                // Someone who may not answer is told so, privately; other replies in the thread are just conversation.
                if (answered.Code == RejectionCodes.SteerNotAllowed) await TellAsync(e.Channel, e.User, answered.Message!, null, ct);
                return null;
            }
        }
        if (threadReply) return null; // talk in a channel thread is not a command

        var threadRef = e.ThreadTs ?? e.Ts;
        var reply = await commands.HandleMessageAsync(text, actor, e.Channel, threadRef, "slack:event:" + envelope.EventId, ct);
        // The launch's thread_started linked the message (or its reply thread) to the thread; its status message says it started.
        if (reply.ThreadId is not null) return null;
        await TellAsync(e.Channel, e.User, reply.Text, reply.Blocks, ct);
        return null;
    }

    private static bool MentionsBot(EventEnvelope envelope, string? text) =>
        text is not null && envelope.Authorizations?.FirstOrDefault(a => a.IsBot)?.UserId is { Length: > 0 } bot
        && text.Contains($"<@{bot}", StringComparison.Ordinal);

    /// <summary>
    /// A private reply to the person. The event is already handled when it is sent, so Slack being unreachable or refusing
    /// the reply is logged, not a 500 (which would also make Slack retry an event that changes nothing the second time).
    /// </summary>
    private async Task TellAsync(string channel, string user, string text, IReadOnlyList<SlackBlock>? blocks, CancellationToken ct)
    {
        try
        {
            await api.PostEphemeralAsync(channel, user, text, blocks, ct);
        }
        catch (Exception failure) when (SlackApiException.IsSlackFailure(failure, ct))
        {
            log.LogWarning("Could not send a Slack reply to {User} in {Channel}: {Error}", user, channel, failure.Message);
        }
    }

    [GeneratedRegex(@"<@[A-Z0-9]+(\|[^>]*)?>", RegexOptions.NonBacktracking)]
    private static partial Regex MentionRegex();
}
