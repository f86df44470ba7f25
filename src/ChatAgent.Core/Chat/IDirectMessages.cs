using ChatAgent.Core.Threads;

namespace ChatAgent.Core.Chat;

/// <summary>
/// A chat platform that can also post a thread's message to one person directly (Slack: a DM opened with
/// <c>conversations.open</c>; Teams: the bot's personal chat with them). Approval cards of a policy with
/// <c>direct_message: true</c> go to each approver this way, besides the thread's own conversation. Called only by the
/// delivery job.
/// </summary>
public interface IDirectMessages
{
    /// <summary>The <see cref="Events.Origin.Platform"/> whose people this reaches (recipients are <c>&lt;platform&gt;:&lt;id&gt;</c>).</summary>
    string Platform { get; }

    /// <summary>
    /// Posts the message to <paramref name="recipient"/>; returns the reference to it, or <c>refused:&lt;reason&gt;|…</c>
    /// (<see cref="MessageRefs.RefusedPrefix"/>) when the platform has no way to reach them (never retried).
    /// </summary>
    Task<string> PostDirectAsync(ThreadState thread, ChatMessage message, string recipient, CancellationToken cancellationToken);

    /// <summary>Replaces the copy posted earlier (<paramref name="messageRef"/>) in place.</summary>
    Task UpdateDirectAsync(ThreadState thread, ChatMessage message, string recipient, string messageRef, CancellationToken cancellationToken);
}
