using ChatAgent.Core.Events;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Storage.Postgres;
using ChatAgent.Core.Threads;

namespace ChatAgent.Core.Tests.Storage;

public sealed class PostgresWakeupQueueTests(PostgresDatabase database) : WakeupQueueContract, IClassFixture<PostgresDatabase>
{
    protected override IEventStore Store { get; } = new PostgresEventStore(database.DataSource);

    protected override IWakeupQueue Wakeups { get; } = new PostgresWakeups(database.DataSource, new WakeSignal());

    /// <summary>
    /// A process's listener wakes its dispatcher for other processes' commits, not for the echo of its own: the
    /// committing process set its signal already, and each echo cost the dispatcher a look that found nothing.
    /// </summary>
    [Fact]
    public async Task AnotherProcesssWakeups_WakeThisProcess_TheEchoOfItsOwnDoNot()
    {
        var here = new WakeSignal();
        await using var hereQueue = new PostgresWakeups(database.DataSource, here);
        await using var thereQueue = new PostgresWakeups(database.DataSource, new WakeSignal());
        var hereStore = new PostgresEventStore(database.DataSource, signal: here);
        // The first wait starts the listener, which sets the signal once it listens.
        await hereQueue.WaitAsync(TimeSpan.FromMinutes(1));

        var id = $"th-{Guid.NewGuid():N}";
        var started = new NewEvent(new ThreadStarted("deploy", "api to staging", new Dictionary<string, string>(), new Origin("api"), 10),
            Actor.User("web:alice"), new DateTimeOffset(2026, 12, 7, 15, 0, 0, TimeSpan.Zero));
        var summary = ThreadSummary.From(ThreadReducer.Replay([new StoredEvent(id, 1, started.At, started.Actor, started.Data)]));
        Func<Task>[] ownCommits =
        [
            () => hereStore.AppendAsync(id, 0, [started], summary, wakeups: [ThreadWakeup.Run(id)]),
            () => hereQueue.AddAsync([ThreadWakeup.Deliver(id)]),
        ];
        foreach (var commit in ownCommits)
        {
            await commit();
            await hereQueue.WaitAsync(TimeSpan.FromMinutes(1)); // set by the commit itself: returns at once

            var next = hereQueue.WaitAsync(TimeSpan.FromMinutes(10));
            await Task.Delay(TimeSpan.FromSeconds(1));
            Assert.False(next.IsCompleted, "the echo of this process's own commit woke it again");

            await thereQueue.AddAsync([ThreadWakeup.Run(id)]);
            Assert.Same(next, await Task.WhenAny(next, Task.Delay(TimeSpan.FromSeconds(30))));
        }
    }
}
