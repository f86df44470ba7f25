using ChatAgent.Core.Events;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Threads;

namespace ChatAgent.Core.Tests.Storage;

/// <summary>
/// What every wake-up queue promises with its event store: an append's wake-ups exist exactly when its events do, a
/// claim hands each thread on once and removes what it claimed only when the hand-on returned. Each test drains the
/// queue first and owns its thread ids.
/// </summary>
public abstract class WakeupQueueContract
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    protected abstract IEventStore Store { get; }

    protected abstract IWakeupQueue Wakeups { get; }

    [Fact]
    public async Task AnAppendsWakeups_AreHandedOnOncePerThread_AndThenGone()
    {
        await DrainAsync();
        var id = NewId();

        await LaunchAsync(id, wakeups: [ThreadWakeup.Run(id), ThreadWakeup.Deliver(id), ThreadWakeup.Run(id)]);

        Assert.Equal(2, await Wakeups.CountAsync(WakeupKind.Run));
        await AssertClaimAsync(WakeupKind.Run, 2, id);
        await AssertClaimAsync(WakeupKind.Run, 0);
        await AssertClaimAsync(WakeupKind.Deliver, 1, id);
    }

    [Fact]
    public async Task ARefusedAppend_StoresNoWakeups()
    {
        await DrainAsync();
        var id = NewId();
        await LaunchAsync(id, "wake-key-" + id, wakeups: []);

        await Assert.ThrowsAsync<ConcurrencyException>(() => LaunchAsync(id, wakeups: [ThreadWakeup.Run(id)]));
        await Assert.ThrowsAsync<DuplicateDeliveryException>(() => LaunchAsync(NewId(), "wake-key-" + id, wakeups: [ThreadWakeup.Run(id)]));

        Assert.Equal(0, await Wakeups.CountAsync(WakeupKind.Run));
    }

    [Fact]
    public async Task AHandOnThatThrows_LeavesItsWakeupsForTheNextClaim()
    {
        await DrainAsync();
        var id = NewId();
        await LaunchAsync(id, wakeups: [ThreadWakeup.Run(id)]);

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Wakeups.DispatchAsync(WakeupKind.Run, 10, (_, _) => throw new InvalidOperationException("crashed while handing on")));

        await AssertClaimAsync(WakeupKind.Run, 1, id);
    }

    [Fact]
    public async Task AClaim_TakesAtMostItsLimit_OldestFirst()
    {
        await DrainAsync();
        string[] ids = [NewId(), NewId(), NewId()];
        await Wakeups.AddAsync([.. ids.Select(ThreadWakeup.Run)]);

        var handed = new List<string>();
        var removed = await Wakeups.DispatchAsync(WakeupKind.Run, 2, (w, _) =>
        {
            handed.AddRange(w.Select(x => x.ThreadId));
            return Task.CompletedTask;
        });

        Assert.Equal(2, removed);
        Assert.Equal(ids[..2].Order(StringComparer.Ordinal), handed.Order(StringComparer.Ordinal));
        await AssertClaimAsync(WakeupKind.Run, 1, ids[2]);
    }

    /// <summary>One claim of everything of <paramref name="kind"/>: how many wake-ups it removed, which threads it handed on.</summary>
    private async Task AssertClaimAsync(WakeupKind kind, int removedCount, params string[] threads)
    {
        var handed = new List<string>();
        var removed = await Wakeups.DispatchAsync(kind, 100, (w, _) =>
        {
            handed.AddRange(w.Select(x => x.ThreadId));
            return Task.CompletedTask;
        });
        Assert.Equal(removedCount, removed);
        Assert.Equal(threads, handed);
    }

    private async Task DrainAsync()
    {
        foreach (var kind in new[] { WakeupKind.Run, WakeupKind.Deliver })
            while (await Wakeups.DispatchAsync(kind, 1000, (_, _) => Task.CompletedTask) > 0) { }
    }

    private Task LaunchAsync(string id, string? key = null, IReadOnlyList<ThreadWakeup>? wakeups = null)
    {
        var started = new ThreadStarted("wake", "input", new Dictionary<string, string>(), new Origin("slack", User: "slack:U1"), 10);
        var state = ThreadReducer.Replay([new StoredEvent(id, 1, T0, Actor.User("slack:U1"), started)]);
        return Store.AppendAsync(id, 0, [new NewEvent(started, Actor.User("slack:U1"), T0)], ThreadSummary.From(state), key, wakeups);
    }

    private static string NewId() => "t-wake-" + Guid.NewGuid().ToString("N")[..12];
}
