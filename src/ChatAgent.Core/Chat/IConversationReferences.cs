using ChatAgent.Core.Events;

namespace ChatAgent.Core.Chat;

/// <summary>
/// The conversations a bot was installed in, so it can post there later (the port). Saving and removing append
/// <see cref="ConversationInstalled"/> / <see cref="ConversationRemoved"/> to the conversation's stream; reads come
/// from the conversations projection written with them.
/// </summary>
public interface IConversationReferences
{
    /// <summary>Records that the bot is installed in <c>(Platform, ConversationId)</c> with these facts (<paramref name="by"/>: who installed it).</summary>
    Task SaveAsync(ConversationReference reference, Actor by, CancellationToken cancellationToken = default);

    /// <summary>The reference while the bot is installed there, or null.</summary>
    Task<ConversationReference?> FindAsync(string platform, string conversationId, CancellationToken cancellationToken = default);

    /// <summary>Records that the bot was removed from the conversation (when it was installed there): nothing is posted there any more.</summary>
    Task RemoveAsync(string platform, string conversationId, Actor by, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>All references of a platform where the bot is installed, most recently updated first.</summary>
    Task<IReadOnlyList<ConversationReference>> ListAsync(string platform, CancellationToken cancellationToken = default);
}
