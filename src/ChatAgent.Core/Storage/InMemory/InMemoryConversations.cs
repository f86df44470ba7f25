using ChatAgent.Core.Chat;
using ChatAgent.Core.Events;

namespace ChatAgent.Core.Storage.InMemory;

/// <summary>
/// The conversations projection and the conversation streams in memory (the embedded default: lost on exit, like the
/// events). <see cref="InMemoryEventStore"/> links threads here inside its own append, so a link is as atomic as there.
/// </summary>
public sealed class InMemoryConversations : IConversationIndex, IConversationReferences
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string, string), Conversation> _rows = [];
    private readonly Dictionary<string, List<StoredConversationEvent>> _streams = new(StringComparer.Ordinal);

    public Task<string?> FindThreadAsync(string platform, string conversationId, CancellationToken cancellationToken = default)
    {
        lock (_gate) return Task.FromResult(_rows.GetValueOrDefault((platform, conversationId))?.ThreadId);
    }

    public Task SaveAsync(ConversationReference reference, Actor by, CancellationToken cancellationToken = default)
    {
        Append(ConversationProjection.Installed(reference), by, reference.UpdatedAt);
        return Task.CompletedTask;
    }

    public Task RemoveAsync(string platform, string conversationId, Actor by, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_rows.GetValueOrDefault((platform, conversationId)) is { Installed: true })
                Append(new ConversationRemoved(platform, conversationId), by, at);
        }
        return Task.CompletedTask;
    }

    public Task<ConversationReference?> FindAsync(string platform, string conversationId, CancellationToken cancellationToken = default)
    {
        lock (_gate) return Task.FromResult(_rows.GetValueOrDefault((platform, conversationId))?.Reference);
    }

    public Task<IReadOnlyList<ConversationReference>> ListAsync(string platform, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<ConversationReference>>(
                [.. _rows.Values.Where(r => r.Platform == platform).Select(r => r.Reference).OfType<ConversationReference>().OrderByDescending(r => r.UpdatedAt)]);
        }
    }

    /// <summary>Every row, for tests and the rebuild's count.</summary>
    public IReadOnlyList<Conversation> Rows()
    {
        lock (_gate) return [.. _rows.Values];
    }

    /// <summary>Called by the event store inside its append: the thread's events link their Slack places to it.</summary>
    internal void Link(string threadId, IEnumerable<NewEvent> events)
    {
        lock (_gate)
        {
            foreach (var e in events)
                if (ConversationProjection.LinkOf(e.Data) is { } link)
                    _rows[link] = ConversationProjection.Link(_rows.GetValueOrDefault(link), link, threadId, e.At);
        }
    }

    /// <summary>
    /// Recomputes every row: the conversation streams first, then the threads' links in the order they were made.
    /// Returns the rows and the conversation events read.
    /// </summary>
    internal (int Rows, long StreamEvents) Rebuild(IEnumerable<StoredEvent> threadEvents)
    {
        lock (_gate)
        {
            _rows.Clear();
            foreach (var e in _streams.Values.SelectMany(s => s))
            {
                var key = (e.Data.Platform, e.Data.ConversationId);
                _rows[key] = ConversationProjection.Apply(_rows.GetValueOrDefault(key), e.Data, e.Seq, e.At);
            }
            foreach (var e in threadEvents.OrderBy(e => e.At).ThenBy(e => e.ThreadId, StringComparer.Ordinal).ThenBy(e => e.Seq))
                if (ConversationProjection.LinkOf(e.Data) is { } link)
                    _rows[link] = ConversationProjection.Link(_rows.GetValueOrDefault(link), link, e.ThreadId, e.At);
            return (_rows.Count, _streams.Values.Sum(st => (long)st.Count));
        }
    }

    private void Append(ConversationEvent e, Actor by, DateTimeOffset at)
    {
        lock (_gate)
        {
            var streamId = ConversationProjection.StreamId(e.Platform, e.ConversationId);
            var stream = _streams.TryGetValue(streamId, out var s) ? s : _streams[streamId] = [];
            var stored = new StoredConversationEvent(streamId, stream.Count + 1, at, by, e);
            stream.Add(stored);
            var key = (e.Platform, e.ConversationId);
            _rows[key] = ConversationProjection.Apply(_rows.GetValueOrDefault(key), e, stored.Seq, at);
        }
    }
}
