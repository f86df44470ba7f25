using ChatAgent.Core.Chat;
using ChatAgent.Core.Events;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Threads;
using Microsoft.Extensions.Options;

namespace ChatAgent.Bot.Slack;

/// <summary>
/// The outbox's Slack side. Posts into the thread's channel (its Slack reply thread when it has one; the default
/// channel for threads without one, e.g. cron agents) and returns <c>channel|ts</c> as the message reference, so later
/// versions replace the message in place with <c>chat.update</c>. The <c>message_posted</c> event that records the reference
/// also links the message to its thread (the conversations projection), so a reply in its Slack thread finds the ChatAgent thread.
/// </summary>
public sealed class SlackChatSurface(
    SlackApiClient api,
    SlackCards cards,
    IEventStore store,
    SlackResponseUrls responseUrls,
    IOptions<SlackOptions> options,
    ILogger<SlackChatSurface> log) : IChatSurface, IDirectMessages
{
    public const string PlatformName = "slack";

    /// <summary>A message Slack would not take in its channel: recorded as delivered elsewhere (or not at all), never retried.</summary>
    private const string RefusedPrefix = MessageRefs.RefusedPrefix;

    /// <summary>Slack's answers for a channel the bot may not post in: a private channel or DM it is not a member of.</summary>
    private static readonly HashSet<string> NotAMember = ["not_in_channel", "channel_not_found"];

    public string Platform => PlatformName;

    public async Task<string> PostAsync(ThreadState thread, ChatMessage message, CancellationToken cancellationToken)
    {
        var channel = thread.Origin.Conversation ?? options.Value.DefaultChannel
            ?? throw new InvalidOperationException($"Thread {thread.Id} has no Slack channel and Slack__DefaultChannel is not set.");
        var (text, blocks) = await RenderAsync(thread, message, cancellationToken);
        try
        {
            var ts = await api.PostMessageAsync(channel, text, blocks, thread.Origin.ThreadRef, cancellationToken);
            return ConversationId(channel, ts);
        }
        catch (SlackApiException refused) when (NotAMember.Contains(refused.Error))
        {
            await ThroughResponseUrlAsync(thread, message, channel, refused.Error, text, blocks, cancellationToken);
            return $"{RefusedPrefix}{refused.Error}|{channel}";
        }
    }

    public async Task UpdateAsync(ThreadState thread, ChatMessage message, string messageRef, CancellationToken cancellationToken)
    {
        var separator = messageRef.IndexOf('|');
        if (separator <= 0) throw new ArgumentException($"'{messageRef}' is not a Slack message reference (channel|ts).", nameof(messageRef));
        var (text, blocks) = await RenderAsync(thread, message, cancellationToken);
        if (messageRef.StartsWith(RefusedPrefix, StringComparison.Ordinal))
        {
            // Nothing to edit in the channel. A decided card is worth a new message; status edits are not.
            if (message.Kind == "approval" && responseUrls.Find(thread.Id) is { } url)
                await api.PostToResponseUrlAsync(url, text, blocks, inChannel: true, cancellationToken);
            return;
        }
        await api.UpdateMessageAsync(messageRef[..separator], messageRef[(separator + 1)..], text, blocks, cancellationToken);
    }

    /// <summary>
    /// An approval card in the person's DM with the bot (<c>conversations.open</c>, then <c>chat.postMessage</c>): the same
    /// card, so its buttons decide as the channel's do. Slack refusing for good (no such user, a deactivated one, a
    /// missing <c>im:write</c> scope) is recorded as refused and logged; being rate-limited or unreachable is retried.
    /// </summary>
    public async Task<string> PostDirectAsync(ThreadState thread, ChatMessage message, string recipient, CancellationToken cancellationToken)
    {
        var user = recipient[(recipient.IndexOf(':') + 1)..];
        var (text, blocks) = await RenderAsync(thread, message, cancellationToken);
        try
        {
            var channel = await api.OpenDirectMessageAsync(user, cancellationToken);
            return ConversationId(channel, await api.PostMessageAsync(channel, text, blocks, null, cancellationToken));
        }
        catch (SlackApiException refused) when (refused.Error != "ratelimited")
        {
            log.LogWarning("Slack would not take {Key} of thread {ThreadId} as a DM to {User} ({Error}); recorded as refused", message.Key, thread.Id, recipient, refused.Error);
            return $"{RefusedPrefix}{refused.Error}|{recipient}";
        }
    }

    public async Task UpdateDirectAsync(ThreadState thread, ChatMessage message, string recipient, string messageRef, CancellationToken cancellationToken)
    {
        var separator = messageRef.IndexOf('|');
        if (separator <= 0) throw new ArgumentException($"'{messageRef}' is not a Slack message reference (channel|ts).", nameof(messageRef));
        var (text, blocks) = await RenderAsync(thread, message, cancellationToken);
        await api.UpdateMessageAsync(messageRef[..separator], messageRef[(separator + 1)..], text, blocks, cancellationToken);
    }

    /// <summary>
    /// The bot may not post in the command's channel. While the command's response URL is good (30 minutes, this
    /// process), the person is told once, privately, how to invite the bot; approval cards go to the channel through
    /// that URL (so the approvers there see them and can click), everything else only to the person.
    /// </summary>
    private async Task ThroughResponseUrlAsync(ThreadState thread, ChatMessage message, string channel, string error,
        string text, IReadOnlyList<SlackBlock> blocks, CancellationToken ct)
    {
        if (responseUrls.Find(thread.Id) is not { } url)
        {
            log.LogWarning("Slack refused {Key} of thread {ThreadId} in {Channel} ({Error}), and no response URL is at hand; recorded as undelivered",
                message.Key, thread.Id, channel, error);
            return;
        }
        if (responseUrls.FirstRefusal(thread.Id))
            await api.PostToResponseUrlAsync(url, InviteHint(thread.Id), null, inChannel: false, ct);
        await api.PostToResponseUrlAsync(url, text, blocks, inChannel: message.Kind == "approval", ct);
    }

    private static string InviteHint(string threadId) =>
        $"I can't post in this channel: I'm not a member of it. Invite me with `/invite @ChatAgent` (or run the command in a channel I'm in). " +
        $"Until then I'll answer here, and approval cards go to the channel through this command; the whole thread is in the web chat and `GET /api/threads/{threadId}`.";

    /// <summary>A Slack message or reply thread as a conversation (and a message reference): <c>channel|ts</c>.</summary>
    public static string ConversationId(string channel, string ts) => $"{channel}|{ts}";

    private async Task<(string, IReadOnlyList<SlackBlock>)> RenderAsync(ThreadState thread, ChatMessage message, CancellationToken ct)
    {
        ApprovalRequested? requested = null;
        if (message.Kind == "approval" && message.ApprovalId is { } id && thread.FindPendingApproval(id) is null)
        {
            // A settled approval keeps only its outcome in state; the card still shows what was asked.
            requested = (await store.ReadAsync(thread.Id, 0, ct)).Select(e => e.Data).OfType<ApprovalRequested>().FirstOrDefault(a => a.ApprovalId == id);
        }
        return cards.Render(thread, message, requested);
    }
}
