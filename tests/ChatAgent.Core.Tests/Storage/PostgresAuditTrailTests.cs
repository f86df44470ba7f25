using ChatAgent.Core.Audit;
using ChatAgent.Core.Events;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Storage.Postgres;
using ChatAgent.Core.Threads;

namespace ChatAgent.Core.Tests.Storage;

/// <summary>The audit export on PostgreSQL never needs two connections at once from its pool.</summary>
public sealed class PostgresAuditTrailTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task TheExport_OnAOneConnectionPool_GivesTheDecision_NotAPoolTimeout()
    {
        var id = $"th-{Guid.NewGuid():N}";
        var at = new DateTimeOffset(2026, 12, 7, 13, 0, 0, TimeSpan.Zero);
        var events = SampleEvents.All("audit-pool").Select((e, i) => new NewEvent(e, Actor.User("slack:U1"), at.AddSeconds(i))).ToArray();
        var state = ThreadReducer.Replay([.. events.Select((e, i) => new StoredEvent(id, i + 1, e.At, e.Actor, e.Data))]);
        await new PostgresEventStore(database.DataSource).AppendAsync(id, 0, events, ThreadSummary.From(state) with { Id = id });

        var onePool = database.OneConnectionPool();
        var trail = new AuditTrail(new PostgresAuditStore(onePool), new PostgresEventStore(onePool));
        var decisions = new List<AuditDecision>();
        await foreach (var d in trail.DecisionsAsync(at, at.AddMinutes(1))) decisions.Add(d);

        var decision = Assert.Single(decisions);
        Assert.Equal((id, "appr-1", "approved", "deploy", "slack:U1"), (decision.ThreadId, decision.ApprovalId, decision.Decision, decision.Tool, decision.ActorId));
    }
}
