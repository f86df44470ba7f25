using ChatAgent.Core.Events;

namespace ChatAgent.Core.Audit;

/// <summary>The audit side of the event store: events across threads by time, and the hash-chain check.</summary>
public interface IAuditStore
{
    /// <summary>Events of the given wire <paramref name="types"/> with <c>from &lt;= at &lt; to</c>, by time then thread and seq.</summary>
    IAsyncEnumerable<StoredEvent> ReadByTimeAsync(DateTimeOffset from, DateTimeOffset to, IReadOnlyCollection<string> types, CancellationToken cancellationToken = default);

    /// <summary>Walks every thread's chain and reports the first altered or removed event of each broken one.</summary>
    Task<AuditReport> VerifyAsync(CancellationToken cancellationToken = default);
}
