using System.Collections.Concurrent;
using ChatAgent.Core.Chat;

namespace ChatAgent.Core.Storage.InMemory;

/// <summary>Conversation references in memory (the embedded default: lost on exit, like the events).</summary>
public sealed class InMemoryConversationReferences : IConversationReferences
{
    private readonly ConcurrentDictionary<(string, string), ConversationReference> _references = new();

    public Task SaveAsync(ConversationReference reference, CancellationToken cancellationToken = default)
    {
        _references[(reference.Platform, reference.ConversationId)] = reference;
        return Task.CompletedTask;
    }

    public Task<ConversationReference?> FindAsync(string platform, string conversationId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_references.GetValueOrDefault((platform, conversationId)));

    public Task RemoveAsync(string platform, string conversationId, CancellationToken cancellationToken = default)
    {
        _references.TryRemove((platform, conversationId), out _);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ConversationReference>> ListAsync(string platform, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ConversationReference>>(
            [.. _references.Values.Where(r => r.Platform == platform).OrderByDescending(r => r.UpdatedAt)]);
}
