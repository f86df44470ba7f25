using ChatAgent.Core.Chat;
using ChatAgent.Core.Events;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Threads;
using Microsoft.Extensions.Options;

namespace ChatAgent.Bot.Slack;

/// <summary>
/// The outbox's Slack side. Posts into the thread's channel (its Slack reply thread when it has one; the default
/// channel for threads without one, e.g. cron agents) and returns <c>channel|ts</c> as the message reference, so later
/// versions replace the message in place with <c>chat.update</c>. Every posted message is indexed, so a reply in its
/// Slack thread finds the ChatAgent thread.
/// </summary>
public sealed class SlackChatSurface(
    SlackApiClient api,
    SlackCards cards,
    IEventStore store,
    IConversationIndex index,
    IOptions<SlackOptions> options) : IChatSurface
{
    public const string PlatformName = "slack";

    public string Platform => PlatformName;

    public async Task<string> PostAsync(ThreadState thread, ChatMessage message, CancellationToken cancellationToken)
    {
        var channel = thread.Origin.Conversation ?? options.Value.DefaultChannel
            ?? throw new InvalidOperationException($"Thread {thread.Id} has no Slack channel and Slack__DefaultChannel is not set.");
        var (text, blocks) = await RenderAsync(thread, message, cancellationToken);
        var ts = await api.PostMessageAsync(channel, text, blocks, thread.Origin.ThreadRef, cancellationToken);
        await index.LinkAsync(ConversationRef(channel, ts), thread.Id, cancellationToken);
        return channel + "|" + ts;
    }

    public async Task UpdateAsync(ThreadState thread, ChatMessage message, string messageRef, CancellationToken cancellationToken)
    {
        var separator = messageRef.IndexOf('|');
        if (separator <= 0) throw new ArgumentException($"'{messageRef}' is not a Slack message reference (channel|ts).", nameof(messageRef));
        var (text, blocks) = await RenderAsync(thread, message, cancellationToken);
        await api.UpdateMessageAsync(messageRef[..separator], messageRef[(separator + 1)..], text, blocks, cancellationToken);
    }

    /// <summary>The index key of a Slack message or reply thread.</summary>
    public static string ConversationRef(string channel, string ts) => $"slack:{channel}|{ts}";

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
