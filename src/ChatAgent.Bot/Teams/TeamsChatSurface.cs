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
public sealed class TeamsChatSurface(BotConnectorClient connector, TeamsCards cards, TeamsTargets targets, TeamsOptions options, ILogger<TeamsChatSurface> log)
    : IChatSurface, IDirectMessages
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

    /// <summary>
    /// A proactive 1:1: the card in the person's personal chat with the bot, opened with <c>POST /v3/conversations</c>
    /// naming them by Entra object id (Teams answers with the chat they have, which exists once they installed the app for
    /// themselves). The same card, so Action.Execute decides from there as from the channel. A refusal (403: the app is not
    /// installed for them; 400/404: no such person) is recorded as refused and logged, never retried.
    /// </summary>
    public async Task<string> PostDirectAsync(ThreadState thread, ChatMessage message, string recipient, CancellationToken cancellationToken)
    {
        if (await targets.ReachAsync(thread, cancellationToken) is not var (serviceUrl, tenant))
        {
            log.LogWarning("{Key} of thread {ThreadId} is for {User}'s personal chat, but the bot was never installed in Teams; recorded as undelivered", message.Key, thread.Id, recipient);
            return $"{RefusedPrefix}not_installed|{recipient}";
        }
        try
        {
            var chat = await connector.CreateConversationAsync(serviceUrl, new ConversationParameters(false, new ChannelAccount("28:" + options.AppId), tenant, null,
                new TeamsChannelData(new TenantInfo(tenant)), [new ChannelAccount(recipient[(recipient.IndexOf(':') + 1)..])]), cancellationToken);
            var conversation = chat.Id ?? throw new HttpRequestException("The Bot Connector created no conversation id.");
            var sent = await connector.SendAsync(serviceUrl, conversation, Render(thread, message), cancellationToken);
            return $"{sent.Id}|{conversation}";
        }
        catch (Exception refused) when (refused is TeamsDeliveryRefusedException || refused is HttpRequestException { StatusCode: System.Net.HttpStatusCode.NotFound or System.Net.HttpStatusCode.BadRequest })
        {
            var status = refused is TeamsDeliveryRefusedException r ? (int)r.Status : (int)((HttpRequestException)refused).StatusCode!;
            log.LogWarning("Teams refused {Key} of thread {ThreadId} in {User}'s personal chat ({Status}); recorded as undelivered", message.Key, thread.Id, recipient, status);
            return $"{RefusedPrefix}{status}|{recipient}";
        }
    }

    public async Task UpdateDirectAsync(ThreadState thread, ChatMessage message, string recipient, string messageRef, CancellationToken cancellationToken)
    {
        var separator = messageRef.IndexOf('|');
        if (separator <= 0 || await targets.ReachAsync(thread, cancellationToken) is not var (serviceUrl, _)) return;
        try
        {
            await connector.UpdateAsync(serviceUrl, messageRef[(separator + 1)..], messageRef[..separator], Render(thread, message), cancellationToken);
        }
        catch (TeamsDeliveryRefusedException refused)
        {
            log.LogWarning("Teams refused the update of {Key} of thread {ThreadId} in {User}'s personal chat ({Status}); not retried", message.Key, thread.Id, recipient, (int)refused.Status);
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
