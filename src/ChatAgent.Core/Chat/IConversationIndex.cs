namespace ChatAgent.Core.Chat;

/// <summary>
/// Maps a platform conversation reference (e.g. a Slack <c>slack:C123|1712345678.000100</c> message or reply
/// thread) to the ChatAgent thread it belongs to, so a reply there can reach the thread. First link wins.
/// </summary>
public interface IConversationIndex
{
    Task LinkAsync(string conversationRef, string threadId, CancellationToken cancellationToken = default);

    Task<string?> FindAsync(string conversationRef, CancellationToken cancellationToken = default);
}
