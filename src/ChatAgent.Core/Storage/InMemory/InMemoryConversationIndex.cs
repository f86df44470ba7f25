using System.Collections.Concurrent;
using ChatAgent.Core.Chat;

namespace ChatAgent.Core.Storage.InMemory;

/// <summary>The embedded default: lost on exit, like the in-memory event store.</summary>
public sealed class InMemoryConversationIndex : IConversationIndex
{
    private readonly ConcurrentDictionary<string, string> _refs = new(StringComparer.Ordinal);

    public Task LinkAsync(string conversationRef, string threadId, CancellationToken cancellationToken = default)
    {
        _refs.TryAdd(conversationRef, threadId);
        return Task.CompletedTask;
    }

    public Task<string?> FindAsync(string conversationRef, CancellationToken cancellationToken = default) =>
        Task.FromResult(_refs.GetValueOrDefault(conversationRef));
}
