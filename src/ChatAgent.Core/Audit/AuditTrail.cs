using System.Runtime.CompilerServices;
using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Storage;

namespace ChatAgent.Core.Audit;

/// <summary>The audit export: approval decisions in a time range, each joined with its request and card.</summary>
public sealed class AuditTrail(IAuditStore audit, IEventStore store)
{
    private static readonly string[] DecisionTypes = [EventTypes.NameOf(typeof(ApprovalDecided))];

    public async IAsyncEnumerable<AuditDecision> DecisionsAsync(DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken ct = default)
    {
        // The decisions are read to the end before any thread is: a thread read while the range's reader still holds its
        // connection would need a second one from the same pool, and with as many exports at once as the pool has
        // connections none would come. Decisions are few beside the events they stand among.
        var decisions = new List<StoredEvent>();
        await foreach (var e in audit.ReadByTimeAsync(from, to, DecisionTypes, ct))
            if (e.Data is ApprovalDecided) decisions.Add(e);
        // Threads are read once each, and only the ones a decision in the range belongs to.
        var threads = new Dictionary<string, IReadOnlyList<StoredEvent>>(StringComparer.Ordinal);
        foreach (var e in decisions)
        {
            var decided = (ApprovalDecided)e.Data;
            if (!threads.TryGetValue(e.ThreadId, out var events))
                threads[e.ThreadId] = events = await store.ReadAsync(e.ThreadId, 0, ct);
            yield return Describe(e, decided, events);
        }
    }

    private static AuditDecision Describe(StoredEvent e, ApprovalDecided decided, IReadOnlyList<StoredEvent> events)
    {
        var requested = events.Select(x => x.Data).OfType<ApprovalRequested>().FirstOrDefault(r => r.ApprovalId == decided.ApprovalId);
        var agent = events.Select(x => x.Data).OfType<ThreadStarted>().FirstOrDefault()?.Agent;
        var card = events.Select(x => x.Data).OfType<MessagePosted>().LastOrDefault(p => p.MessageKey == MessageKeys.Approval(decided.ApprovalId));
        // The edit is appended just before the editor's vote on the edited call's hash.
        var amended = events.Select(x => x.Data).OfType<ApprovalAmended>().LastOrDefault(a => a.ApprovalId == decided.ApprovalId && a.ParametersHash == decided.ParametersHash);
        return new AuditDecision(
            e.At, e.ThreadId, e.Seq, agent, decided.ApprovalId, decided.Granted ? (decided.Grant is not null ? "approved_by_grant" : amended is null ? "approved" : "approved_with_changes") : "denied",
            e.Actor.Display, e.Actor.Id, requested?.Tool, decided.ParametersHash, requested?.Policy, decided.Comment,
            card is null ? null : new AuditMessageRef(card.Platform, card.Ref))
        {
            Changes = amended?.Changes,
            Grant = decided.Grant,
            GrantCreated = events.Select(x => x.Data).OfType<GrantCreated>().FirstOrDefault(g => g.ApprovalId == decided.ApprovalId)?.GrantId,
        };
    }
}
