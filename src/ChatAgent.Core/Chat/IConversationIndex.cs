namespace ChatAgent.Core.Chat;

/// <summary>
/// Finds the ChatAgent thread a platform message or reply thread belongs to (e.g. Slack <c>C123|1712345678.000100</c>),
/// so a reply there can reach the thread. The links are read from the conversations projection, which the thread's own
/// events fill (<see cref="ConversationProjection.LinkOf"/>); the first link wins.
/// </summary>
public interface IConversationIndex
{
    Task<string?> FindThreadAsync(string platform, string conversationId, CancellationToken cancellationToken = default);
}
