using ChatAgent.Bot.Teams.Cards;
using ChatAgent.Bot.Teams.Connector;
using ChatAgent.Core.Chat;
using ChatAgent.Core.Threads;

namespace ChatAgent.Bot.Teams;

/// <summary>
/// The outbox's Teams side: renders a thread's message (approval and stuck messages as Adaptive Cards from the live
/// state, the rest as text) and posts it as a reply to the activity that started the thread, or replaces it (PUT).
/// The reference recorded in <c>message_posted</c> is <c>&lt;activityId&gt;|&lt;conversationId&gt;</c>.
/// A 403 (bot blocked or removed) is not retried: it is recorded as the reference <c>refused:403|&lt;conversationId&gt;</c>
/// and logged, so the event stream shows the message never arrived and the delivery job stops trying.
/// Threads that did not start in Teams (a cron agent posting to <c>Teams__DefaultConversation</c>) have no service URL
/// of their own: it comes from the conversation reference stored when the bot was installed there.
/// </summary>
public sealed class TeamsChatSurface(BotConnectorClient connector, TeamsCards cards, TeamsTargets targets, ILogger<TeamsChatSurface> log) : IChatSurface
{
    public const string PlatformName = "teams";
    private const string RefusedPrefix = MessageRefs.RefusedPrefix;

    public string Platform => PlatformName;

    public async Task<string> PostAsync(ThreadState thread, ChatMessage message, CancellationToken cancellationToken)
    {
        if (await targets.FindAsync(thread, cancellationToken) is not var (serviceUrl, conversation))
        {
            // Never installed there, or removed since: no way to post, and retrying would not make one.
            log.LogWarning("Thread {ThreadId} posts to Teams conversation {Conversation}, but the bot is not installed there (install it first); {Key} recorded as undelivered",
                thread.Id, thread.Origin.Conversation, message.Key);
            return $"{RefusedPrefix}not_installed|{thread.Origin.Conversation}";
        }
        var activity = Render(thread, message);
        try
        {
            var sent = thread.Origin.ThreadRef is { } replyTo
                ? await connector.ReplyAsync(serviceUrl, conversation, replyTo, activity, cancellationToken)
                : await connector.SendAsync(serviceUrl, conversation, activity, cancellationToken);
            return $"{sent.Id}|{conversation}";
        }
        catch (TeamsDeliveryRefusedException refused)
        {
            log.LogWarning("Teams refused {Key} of thread {ThreadId} in {Conversation} ({Status}); recorded as undelivered", message.Key, thread.Id, conversation, (int)refused.Status);
            return $"{RefusedPrefix}{(int)refused.Status}|{conversation}";
        }
    }

    public async Task UpdateAsync(ThreadState thread, ChatMessage message, string messageRef, CancellationToken cancellationToken)
    {
        var separator = messageRef.IndexOf('|');
        var activityId = separator < 0 ? messageRef : messageRef[..separator];
        if (activityId.StartsWith(RefusedPrefix, StringComparison.Ordinal))
            return; // never arrived (403, not installed): there is nothing to replace, and Teams would refuse again
        if (await targets.FindAsync(thread, cancellationToken) is not { } target)
        {
            log.LogWarning("The bot was removed from Teams conversation {Conversation}; {Key} of thread {ThreadId} is not updated there", thread.Origin.Conversation, message.Key, thread.Id);
            return;
        }
        var conversation = separator < 0 ? target.Conversation : messageRef[(separator + 1)..];
        try
        {
            await connector.UpdateAsync(target.ServiceUrl, conversation, activityId, Render(thread, message), cancellationToken);
        }
        catch (TeamsDeliveryRefusedException refused)
        {
            log.LogWarning("Teams refused the update of {Key} of thread {ThreadId} ({Status}); not retried", message.Key, thread.Id, (int)refused.Status);
        }
    }

    /// <summary>The activity for a message: cards for approvals and stuck threads, text otherwise.</summary>
    public Activity Render(ThreadState thread, ChatMessage message) => message.Kind switch
    {
        "approval" when message.ApprovalId is { } id => CardActivity(cards.Approval(thread, id, viewer: null)),
        "stuck" => CardActivity(TeamsCards.Stuck(thread, message.Text)),
        "nudge" => CardActivity(cards.Nudge(thread, message)),
        "question" when thread.PendingQuestion?.Id == message.RequestId => Text($"❓ {message.Text}\n\nReply in this conversation to answer (thread {thread.Id})."),
        _ => Text(message.Text),
    };

    public static Activity CardActivity(params AdaptiveCard[] cards) => new()
    {
        Type = ActivityTypes.Message,
        Attachments = [.. cards.Select(c => new Attachment(AdaptiveCard.ContentType, c))],
    };

    public static Activity Text(string text) => new() { Type = ActivityTypes.Message, Text = text, TextFormat = "plain" };
}
