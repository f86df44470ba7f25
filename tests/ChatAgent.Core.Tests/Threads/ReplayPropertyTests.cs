using ChatAgent.Core.Events;
using ChatAgent.Core.Threads;
using ChatAgent.TestSupport;

namespace ChatAgent.Core.Tests.Threads;

/// <summary>
/// The chapter's exercise 1 ("Build an event-sourced agent thread") as properties over 600 seeded
/// random streams. Its success criteria: state is never stored separately from events (the state here
/// comes only from <see cref="ThreadReducer"/>); replaying the same events always produces identical
/// state; and you can time travel by replaying a prefix. States are compared as JSON because
/// immutable collections compare by reference.
/// </summary>
public sealed class ReplayPropertyTests
{
    private const int Seeds = 600;

    public static TheoryData<int> SeedBatches() => [.. Enumerable.Range(0, 6)];

    private static IEnumerable<IReadOnlyList<StoredEvent>> Streams(int batch) =>
        Enumerable.Range(batch * (Seeds / 6), Seeds / 6).Select(seed => new RandomThreadGenerator(seed).Generate());

    [Theory]
    [MemberData(nameof(SeedBatches))]
    public void Replay_OfTheSameEvents_GivesTheSameState(int batch)
    {
        foreach (var events in Streams(batch))
        {
            var first = StateJson.Of(ThreadReducer.Replay(events));
            var second = StateJson.Of(ThreadReducer.Replay(events));
            Assert.Equal(first, second);
        }
    }

    [Theory]
    [MemberData(nameof(SeedBatches))]
    public void ReplayUntil_EveryPrefix_EqualsTheStateReachedIncrementally(int batch)
    {
        foreach (var events in Streams(batch))
        {
            var state = ThreadState.Empty;
            Assert.Equal(StateJson.Of(state), StateJson.Of(ThreadReducer.ReplayUntil(events, 0)));
            foreach (var e in events)
            {
                state = ThreadReducer.Reduce(state, e);
                Assert.Equal(StateJson.Of(state), StateJson.Of(ThreadReducer.ReplayUntil(events, e.Seq)));
            }
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
                if (state.Status == ThreadStatus.Running) Assert.True(state.PendingApprovals.IsEmpty && state.PendingQuestion is null, $"running while waiting at seq {e.Seq} of {e.ThreadId}");
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
