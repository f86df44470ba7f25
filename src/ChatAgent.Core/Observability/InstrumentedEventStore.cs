using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using ChatAgent.Core.Events;
using ChatAgent.Core.Storage;
using static ChatAgent.Core.Observability.ChatAgentTelemetry;

namespace ChatAgent.Core.Observability;

/// <summary>
/// Counts what the appended events say happened (threads started, completed, failed, escalated; tool runs; approval
/// decision latency) and tracks the outbox backlog of chat-delivered threads. Every fact passes through an append,
/// so the numbers agree with the event store by construction.
/// </summary>
public sealed class InstrumentedEventStore : IEventStore, IDisposable
{
    private readonly IEventStore _inner;
    private readonly Lazy<HashSet<string>> _chatPlatforms;
    private readonly Meter _meter = new(Name);

    /// <summary>(thread, message key) -> seq of the newest queued version not yet posted, for platforms with a surface.</summary>
    private readonly ConcurrentDictionary<(string Thread, string Key), long> _undelivered = new();

    /// <param name="chatPlatforms">Platforms with a chat surface: only their messages are ever delivered, so only they count as backlog.</param>
    public InstrumentedEventStore(IEventStore inner, IEnumerable<string> chatPlatforms)
    {
        _inner = inner;
        // Read on first use, not here: the surfaces may themselves depend on the event store (a cycle at construction).
        _chatPlatforms = new Lazy<HashSet<string>>(() => new HashSet<string>(chatPlatforms, StringComparer.OrdinalIgnoreCase));
        _meter.CreateObservableGauge("chatagent.outbox.backlog", () => _undelivered.Count, "{message}",
            "Chat messages queued and not yet posted (seen by this process since it started)");
    }

    public Task<IReadOnlyList<StoredEvent>> ReadAsync(string threadId, long afterSeq = 0, CancellationToken cancellationToken = default) =>
        _inner.ReadAsync(threadId, afterSeq, cancellationToken);

    public Task<IReadOnlyList<ThreadSummary>> ListAsync(ThreadQuery query, CancellationToken cancellationToken = default) =>
        _inner.ListAsync(query, cancellationToken);

    public async Task<IReadOnlyList<StoredEvent>> AppendAsync(
        string threadId, long expectedVersion, IReadOnlyList<NewEvent> events, ThreadSummary summary, string? deliveryKey = null, IReadOnlyList<ThreadWakeup>? wakeups = null, CancellationToken cancellationToken = default)
    {
        using var activity = Source.StartActivity("chatagent.events.append");
        activity?.SetTag(Tags.ThreadId, threadId);
        activity?.SetTag("chatagent.events", string.Join(",", events.Select(e => e.Data.Type)));
        var stored = await _inner.AppendAsync(threadId, expectedVersion, events, summary, deliveryKey, wakeups, cancellationToken);
        foreach (var e in stored) await RecordAsync(e, summary, cancellationToken);
        return stored;
    }

    private async Task RecordAsync(StoredEvent e, ThreadSummary summary, CancellationToken ct)
    {
        var agent = new KeyValuePair<string, object?>(Tags.Agent, summary.Agent);
        switch (e.Data)
        {
            case ThreadStarted: ThreadsStarted.Add(1, agent); break;
            case ThreadCompleted: ThreadsCompleted.Add(1, agent); break;
            case ThreadFailed: ThreadsFailed.Add(1, agent); break;
            case ThreadPaused { Escalated: true }: ThreadsEscalated.Add(1, agent); break;
            case ToolReturned r: ToolCalls.Add(1, new(Tags.Tool, r.Tool), new(Tags.Outcome, "ok")); break;
            case ErrorOccurred { Source: "tool" } x: ToolCalls.Add(1, new(Tags.Tool, x.Tool), new(Tags.Outcome, "error")); break;
            // The tool ran, but its result was not confirmed (e.g. deployed, and the service does not answer).
            case ErrorOccurred { Source: "verification" } x: ToolCalls.Add(1, new(Tags.Tool, x.Tool), new(Tags.Outcome, "verification_failed")); break;
            case ApprovalDecided d: await RecordDecisionAsync(e, d, agent, ct); break;
            case MessageQueued q when _chatPlatforms.Value.Contains(summary.Platform): _undelivered[(e.ThreadId, q.MessageKey)] = e.Seq; break;
            case MessagePosted p:
                if (_undelivered.TryGetValue((e.ThreadId, p.MessageKey), out var newest) && newest <= p.Version)
                    _undelivered.TryRemove(KeyValuePair.Create((e.ThreadId, p.MessageKey), newest));
                break;
        }
    }

    /// <summary>Decisions are rare, so reading the request's time back costs little.</summary>
    private async Task RecordDecisionAsync(StoredEvent e, ApprovalDecided decided, KeyValuePair<string, object?> agent, CancellationToken ct)
    {
        var events = await _inner.ReadAsync(e.ThreadId, 0, ct);
        var requested = events.FirstOrDefault(x => x.Data is ApprovalRequested r && r.ApprovalId == decided.ApprovalId);
        if (requested is null) return;
        ApprovalDecisionDuration.Record((e.At - requested.At).TotalSeconds,
            agent, new(Tags.Tool, ((ApprovalRequested)requested.Data).Tool), new(Tags.Decision, decided.Granted ? "approved" : "denied"));
    }

    public void Dispose() => _meter.Dispose();
}
