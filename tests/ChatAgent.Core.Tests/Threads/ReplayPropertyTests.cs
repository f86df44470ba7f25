using ChatAgent.Core.Events;
using ChatAgent.Core.Threads;
using ChatAgent.TestSupport;

namespace ChatAgent.Core.Tests.Threads;

/// <summary>
/// The chapter's exercise 1 ("Build an event-sourced agent thread") as properties over 600 seeded
/// random streams: state is never stored separately from events (the state here comes only from
/// <see cref="ThreadReducer"/>); you can time travel by replaying a prefix, and every prefix agrees with
/// <see cref="ReferenceFold"/>, a second fold written independently of the reducer; events read back from
/// JSON replay to the same state; the invariants hold after every event.
/// </summary>
public sealed class ReplayPropertyTests
{
    private const int Seeds = 600;

    public static TheoryData<int> SeedBatches() => [.. Enumerable.Range(0, 6)];

    private static IEnumerable<IReadOnlyList<StoredEvent>> Streams(int batch) =>
        Enumerable.Range(batch * (Seeds / 6), Seeds / 6).Select(seed => new RandomThreadGenerator(seed).Generate());

    [Theory]
    [MemberData(nameof(SeedBatches))]
    public void ReplayUntil_EveryPrefix_AgreesWithTheIndependentFold(int batch)
    {
        foreach (var events in Streams(batch))
        {
            var fold = new ReferenceFold();
            var before = ThreadReducer.ReplayUntil(events, 0);
            Assert.Equal((0L, "", 0), (before.Version, before.Id, before.Results.Count));
            foreach (var e in events)
            {
                fold.Apply(e);
                var state = ThreadReducer.ReplayUntil(events, e.Seq);
                var at = $"{e.ThreadId} after seq {e.Seq} ({e.Data.Type})";
                Assert.True(fold.Status == state.Status, $"{at}: status {state.Status}, the independent fold says {fold.Status}");
                Assert.Equal((fold.Version, fold.UpdatedAt, fold.Step), (state.Version, state.UpdatedAt, state.Step));
                Assert.Equal((fold.TotalErrors, fold.ConsecutiveErrors), (state.TotalErrors, state.ConsecutiveErrors));
                Assert.Equal(fold.ResultTools, state.Results.Select(r => r.Tool));
                Assert.Equal(fold.PendingApprovals, state.PendingApprovals.Select(a => a.Id));
                Assert.Equal(fold.SettledApprovals, state.SettledApprovals.Select(a => $"{a.Id}:{a.Outcome}"));
                Assert.Equal(fold.RevokedGrants.Order(StringComparer.Ordinal), state.RevokedGrants.Order(StringComparer.Ordinal));
            }
            // Past the last event, the whole stream.
            Assert.Equal(events[^1].Seq, ThreadReducer.ReplayUntil(events, long.MaxValue).Version);
        }
    }

    [Theory]
    [MemberData(nameof(SeedBatches))]
    public void Replay_OfEventsReadBackFromJson_GivesTheSameState(int batch)
    {
        foreach (var events in Streams(batch))
        {
            var stored = events.Select(e => e with { Data = EventJson.Deserialize(EventJson.Serialize(e.Data)) }).ToList();
            Assert.Equal(StateJson.Of(ThreadReducer.Replay(events)), StateJson.Of(ThreadReducer.Replay(stored)));
        }
    }

    [Theory]
    [MemberData(nameof(SeedBatches))]
    public void Replay_KeepsTheInvariants(int batch)
    {
        foreach (var events in Streams(batch))
        {
            var state = ThreadState.Empty;
            foreach (var e in events)
            {
                state = ThreadReducer.Reduce(state, e);
                Assert.Equal(e.Seq, state.Version);
                Assert.True(state.ConsecutiveErrors <= state.TotalErrors);
                Assert.Equal(state.PendingApprovals.Count, state.PendingApprovals.Select(a => a.Id).Distinct().Count());
                Assert.DoesNotContain(state.PendingApprovals, a => state.FindSettledApproval(a.Id) is not null);
                if (state.Status == ThreadStatus.Running)
                    Assert.True(state.PendingApprovals.IsEmpty && state.PendingQuestion is null && !state.Children.Values.Any(c => c.Waiting), $"running while waiting at seq {e.Seq} of {e.ThreadId}");
            }
        }
    }

    [Fact]
    public void Generator_IsDeterministic_AndCoversEveryEventType()
    {
        var a = new RandomThreadGenerator(42).Generate();
        var b = new RandomThreadGenerator(42).Generate();
        Assert.Equal(a.Select(e => EventJson.Serialize(e.Data)), b.Select(e => EventJson.Serialize(e.Data)));

        var seen = Enumerable.Range(0, Seeds).SelectMany(seed => new RandomThreadGenerator(seed).Generate()).Select(e => e.Data.Type).ToHashSet();
        Assert.Equal([], EventTypes.WireNames.Except(seen).Order());
    }
}
