using ChatAgent.Core.Threads;

namespace ChatAgent.Core.Chat;

/// <summary>
/// A chat platform as the outbox sees it. Renders Core's neutral message (and, for approval cards, the
/// thread's live approval state) into its own format. Called only by the delivery job.
/// </summary>
public interface IChatSurface
{
    /// <summary>The <see cref="Events.Origin.Platform"/> this surface serves (<c>slack</c>, <c>teams</c>, <c>web</c>).</summary>
    string Platform { get; }

    /// <summary>Posts a new message; returns the platform's reference to it (used for later updates).</summary>
    Task<string> PostAsync(ThreadState thread, ChatMessage message, CancellationToken cancellationToken);

    /// <summary>Replaces a message posted earlier, in place.</summary>
    Task UpdateAsync(ThreadState thread, ChatMessage message, string messageRef, CancellationToken cancellationToken);
}
