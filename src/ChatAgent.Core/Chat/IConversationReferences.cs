namespace ChatAgent.Core.Chat;

/// <summary>The conversations a bot was installed in, stored so it can post there later (the port).</summary>
public interface IConversationReferences
{
    /// <summary>Inserts or replaces the reference for <c>(Platform, ConversationId)</c>.</summary>
    Task SaveAsync(ConversationReference reference, CancellationToken cancellationToken = default);

    /// <summary>The stored reference, or null.</summary>
    Task<ConversationReference?> FindAsync(string platform, string conversationId, CancellationToken cancellationToken = default);

    /// <summary>Forgets the reference (the bot was removed from the conversation): nothing is posted there any more.</summary>
    Task RemoveAsync(string platform, string conversationId, CancellationToken cancellationToken = default);

    /// <summary>All references of a platform, most recently updated first.</summary>
    Task<IReadOnlyList<ConversationReference>> ListAsync(string platform, CancellationToken cancellationToken = default);
}
