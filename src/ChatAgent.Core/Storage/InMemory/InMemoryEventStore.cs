using System.Runtime.CompilerServices;
using System.Text.Json;
using ChatAgent.Core.Audit;
using ChatAgent.Core.Events;
using ChatAgent.Core.Threads;

namespace ChatAgent.Core.Storage.InMemory;

/// <summary>
/// The embedded default store: data lives in this process and is lost on exit. One lock guards
/// everything, so an append (delivery key, events, projection) is atomic like a transaction. Events are sealed
/// into a hash chain exactly as <see cref="Postgres.PostgresEventStore"/> seals them. Wake-ups live under the same lock,
/// so they exist exactly when their events do.
/// </summary>
public sealed class InMemoryEventStore(AuditKey? auditKey = null, InMemoryConversations? conversations = null, WakeSignal? signal = null)
    : IEventStore, IStorageInitializer, IProjectionRebuilder, IAuditStore, IWakeupQueue, Grants.IGrantIndex
{
    private readonly WakeSignal _signal = signal ?? new WakeSignal();
    private readonly LinkedList<ThreadWakeup> _wakeups = new();

    private readonly byte[]? _key = auditKey?.Value;

    /// <summary>The conversations projection this store's appends link threads into.</summary>
    public InMemoryConversations Conversations { get; } = conversations ?? new InMemoryConversations();

    private readonly Dictionary<string, List<string>> _seals = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<StoredEvent>> _streams = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ThreadSummary> _threads = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _deliveries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Grants.Grant> _grants = new(StringComparer.Ordinal);

    public Task<IReadOnlyList<StoredEvent>> ReadAsync(string threadId, long afterSeq = 0, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<StoredEvent> result = _streams.TryGetValue(threadId, out var stream)
                ? stream.Where(e => e.Seq > afterSeq).ToArray()
                : [];
            return Task.FromResult(result);
        }
    }

    public Task<IReadOnlyList<StoredEvent>> AppendAsync(
        string threadId,
        long expectedVersion,
        IReadOnlyList<NewEvent> events,
        ThreadSummary summary,
        string? deliveryKey = null,
        IReadOnlyList<ThreadWakeup>? wakeups = null,
        CancellationToken cancellationToken = default)
    {
        AppendGuard.Validate(threadId, expectedVersion, events, summary);
        var stored = AppendLocked(threadId, expectedVersion, events, summary, deliveryKey, wakeups);
        if (wakeups is { Count: > 0 }) _signal.Set();
        return Task.FromResult(stored);
    }

    private IReadOnlyList<StoredEvent> AppendLocked(
        string threadId, long expectedVersion, IReadOnlyList<NewEvent> events, ThreadSummary summary, string? deliveryKey, IReadOnlyList<ThreadWakeup>? wakeups)
    {
        lock (_gate)
        {
            if (deliveryKey is not null && _deliveries.TryGetValue(deliveryKey, out var existing))
                throw new DuplicateDeliveryException(deliveryKey, existing);

            var stream = _streams.GetValueOrDefault(threadId);
            var version = stream?.Count ?? 0;
            if (version != expectedVersion) throw new ConcurrencyException(threadId, expectedVersion);

            var stored = events
                .Select((e, i) => new StoredEvent(threadId, expectedVersion + 1 + i, e.At, e.Actor, e.Data))
                .ToArray();
            if (stream is null) _streams[threadId] = stream = [];
            var seals = _seals.TryGetValue(threadId, out var existingSeals) ? existingSeals : _seals[threadId] = [];
            foreach (var e in stored) seals.Add(Seal(e, seals.Count == 0 ? null : seals[^1]));
            stream.AddRange(stored);
            _threads[threadId] = summary;
            Conversations.Link(threadId, events);
            ApplyGrants(threadId, stored);
            if (deliveryKey is not null) _deliveries[deliveryKey] = threadId;
            foreach (var w in wakeups ?? []) _wakeups.AddLast(w);
            return stored;
        }
    }

    public Task AddAsync(IReadOnlyList<ThreadWakeup> wakeups, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            foreach (var w in wakeups) _wakeups.AddLast(w);
        }
        if (wakeups.Count > 0) _signal.Set();
        return Task.CompletedTask;
    }

    /// <summary>Claimed wake-ups leave the list while dispatched and go back to its front when dispatching throws.</summary>
    public async Task<int> DispatchAsync(WakeupKind kind, int limit, Func<IReadOnlyList<ThreadWakeup>, CancellationToken, Task> dispatch, CancellationToken cancellationToken = default)
    {
        var claimed = new List<ThreadWakeup>();
        lock (_gate)
        {
            for (var node = _wakeups.First; node is not null && claimed.Count < limit;)
            {
                var next = node.Next;
                if (node.Value.Kind == kind)
                {
                    claimed.Add(node.Value);
                    _wakeups.Remove(node);
                }
                node = next;
            }
        }
        if (claimed.Count == 0) return 0;
        try
        {
            await dispatch([.. claimed.DistinctBy(w => w.ThreadId, StringComparer.Ordinal)], cancellationToken);
        }
        catch
        {
            lock (_gate)
            {
                for (var i = claimed.Count - 1; i >= 0; i--) _wakeups.AddFirst(claimed[i]);
            }
            throw;
        }
        return claimed.Count;
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken = default) => _signal.WaitAsync(timeout, cancellationToken);

    public Task<long> CountAsync(WakeupKind kind, CancellationToken cancellationToken = default)
    {
        lock (_gate) return Task.FromResult((long)_wakeups.Count(w => w.Kind == kind));
    }

    public Task<IReadOnlyList<ThreadSummary>> ListAsync(ThreadQuery query, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var deliveryThread = query.DeliveryKey is null ? null : _deliveries.GetValueOrDefault(query.DeliveryKey);
            IReadOnlyList<ThreadSummary> result = _threads.Values
                .Where(t => query.Status is null || t.Status == query.Status)
                .Where(t => query.Agent is null || t.Agent == query.Agent)
                .Where(t => query.DeliveryKey is null || t.Id == deliveryThread)
                .Where(t => query.UpdatedBefore is null || t.UpdatedAt < query.UpdatedBefore)
                .Where(t => query.Platform is null || t.Platform == query.Platform)
                .Where(t => !query.UndeliveredOnly || t.UndeliveredMessages > 0)
                .OrderByDescending(t => t.UpdatedAt)
                .ThenByDescending(t => t.Id, StringComparer.Ordinal)
                .Take(Math.Max(0, query.Limit))
                .ToArray();
            return Task.FromResult(result);
        }
    }

    public async IAsyncEnumerable<StoredEvent> ReadByTimeAsync(
        DateTimeOffset from, DateTimeOffset to, IReadOnlyCollection<string> types, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        StoredEvent[] matches;
        lock (_gate)
        {
            matches = [.. _streams.Values.SelectMany(s => s)
                .Where(e => e.At >= from && e.At < to && types.Contains(e.Data.Type))
                .OrderBy(e => e.At).ThenBy(e => e.ThreadId, StringComparer.Ordinal).ThenBy(e => e.Seq)];
        }
        foreach (var e in matches)
        {
            await Task.Yield();
            yield return e;
        }
    }

    public Task<AuditReport> VerifyAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var verifier = new ChainVerifier(_threads.ToDictionary(t => t.Key, t => t.Value.Version, StringComparer.Ordinal), _key);
            foreach (var (id, stream) in _streams.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                var seals = _seals[id];
                for (var i = 0; i < stream.Count; i++)
                {
                    var e = stream[i];
                    verifier.Add(new AuditRow(id, e.Seq, e.Data.Type, EventJson.Serialize(e.Data), JsonSerializer.Serialize(e.Actor, EventJson.Options),
                        AuditHash.Truncate(e.At), i == 0 ? null : seals[i - 1], seals[i]));
                }
            }
            return Task.FromResult(verifier.Finish());
        }
    }

    private string Seal(StoredEvent e, string? previous) => AuditHash.Compute(
        previous, e.ThreadId, e.Seq, e.Data.Type, EventJson.Serialize(e.Data), JsonSerializer.Serialize(e.Actor, EventJson.Options), AuditHash.Truncate(e.At), _key);

    /// <summary>Nothing to create: the store is ready when constructed.</summary>
    public Task EnsureSchemaAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<IReadOnlyList<RebuiltProjection>> RebuildProjectionAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _threads.Clear();
            foreach (var (id, stream) in _streams)
                _threads[id] = ThreadSummary.From(ThreadReducer.Replay(stream));
            var events = _streams.Values.Sum(s => (long)s.Count);
            var (conversations, own) = Conversations.Rebuild(_streams.Values.SelectMany(s => s));
            _grants.Clear();
            foreach (var (id, stream) in _streams) ApplyGrants(id, stream);
            return Task.FromResult<IReadOnlyList<RebuiltProjection>>(
                [new RebuiltProjection("threads", _threads.Count, events), new RebuiltProjection("conversations", conversations, events + own),
                 new RebuiltProjection("grants", _grants.Count, events)]);
        }
    }

    public Task<Grants.Grant?> FindGrantAsync(string grantId, CancellationToken cancellationToken = default)
    {
        lock (_gate) return Task.FromResult(_grants.GetValueOrDefault(grantId));
    }

    public Task<IReadOnlyList<Grants.Grant>> ListGrantsAsync(string? tool = null, DateTimeOffset? liveAt = null, int limit = 200, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<Grants.Grant> list = [.. _grants.Values
                .Where(g => (tool is null || g.Tool == tool) && (liveAt is not { } now || g.IsLive(now)))
                .OrderByDescending(g => g.CreatedAt).ThenBy(g => g.Id, StringComparer.Ordinal).Take(limit)];
            return Task.FromResult(list);
        }
    }

    /// <summary>The grants projection after <paramref name="events"/> of <paramref name="threadId"/> (under the lock).</summary>
    private void ApplyGrants(string threadId, IEnumerable<StoredEvent> events)
    {
        foreach (var e in events)
        {
            var id = e.Data switch { GrantCreated c => c.GrantId, GrantRevoked r => r.GrantId, _ => null };
            if (id is null) continue;
            if (Grants.Grant.Apply(_grants.GetValueOrDefault(id), threadId, e) is { } row) _grants[id] = row;
        }
    }

    /// <summary>Test hook: loses the projection (not the events), as a damaged table would.</summary>
    internal void ClearProjection()
    {
        lock (_gate) _threads.Clear();
    }

    /// <summary>Loses the grants projection (not the events), for tests of its rebuild.</summary>
    internal void ClearGrants()
    {
        lock (_gate) _grants.Clear();
    }
}
