using ChatAgent.Core.Events;

namespace ChatAgent.Core.Chat;

/// <summary>
/// How events become <see cref="Conversation"/> rows: pure, so the stores' appends and the rebuild agree row for row.
/// A conversation's own stream sets its install facts; a thread's events link Slack messages to the thread.
/// </summary>
public static class ConversationProjection
{
    /// <summary>The stream that holds a conversation's events (a thread id never has this shape: they are <c>th_…</c>).</summary>
    public static string StreamId(string platform, string conversationId) => StreamPrefix + platform + ":" + conversationId;

    public const string StreamPrefix = "conversation:";

    /// <summary>The event that records <paramref name="r"/> as installed.</summary>
    public static ConversationInstalled Installed(ConversationReference r) =>
        new(r.Platform, r.ConversationId, r.ServiceUrl, r.TenantId, r.BotId, r.ConversationType, r.Name);

    /// <summary>The row after event <paramref name="seq"/> of the conversation's stream.</summary>
    public static Conversation Apply(Conversation? row, ConversationEvent e, long seq, DateTimeOffset at) => e switch
    {
        ConversationInstalled x => new Conversation(x.Platform, x.ConversationId, row?.ThreadId, x.ServiceUrl, x.TenantId, x.BotId,
            x.ConversationType, x.Name ?? row?.Name, Installed: true, seq, at),
        ConversationRemoved x => new Conversation(x.Platform, x.ConversationId, row?.ThreadId, null, null, null, null, null,
            Installed: false, seq, at),
        _ => throw new InvalidOperationException($"No conversation rule for {e.GetType().Name}"),
    };

    /// <summary>The row after a thread linked it: a new row, or the thread set where none was (the first link wins).</summary>
    public static Conversation Link(Conversation? row, (string Platform, string ConversationId) link, string threadId, DateTimeOffset at) =>
        row is null
            ? new Conversation(link.Platform, link.ConversationId, threadId, null, null, null, null, null, Installed: false, 0, at)
            : row with { ThreadId = row.ThreadId ?? threadId };

    /// <summary>
    /// The Slack places a thread event makes reachable: the message or reply thread a top-level thread was started from,
    /// and every message posted for the thread (a reply names its parent message). Teams needs none: replies there are
    /// routed by conversation.
    /// </summary>
    public static (string Platform, string ConversationId)? LinkOf(ThreadEvent e) => e switch
    {
        ThreadStarted { ParentThreadId: null, Origin: { Platform: SlackPlatform, Conversation: { } channel, ThreadRef: { } ts } } =>
            (SlackPlatform, channel + "|" + ts),
        MessagePosted { Platform: SlackPlatform, Ref: var messageRef } when !messageRef.StartsWith(MessageRefs.RefusedPrefix, StringComparison.Ordinal) =>
            (SlackPlatform, messageRef),
        _ => null,
    };

    /// <summary>The one platform whose replies find their thread through a message reference.</summary>
    public const string SlackPlatform = "slack";
}
