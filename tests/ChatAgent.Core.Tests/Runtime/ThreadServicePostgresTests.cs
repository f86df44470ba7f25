using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Storage.Postgres;
using ChatAgent.Core.Tests.Storage;
using ChatAgent.Core.Threads;

namespace ChatAgent.Core.Tests.Runtime;

/// <summary>The service's concurrency guarantees on real PostgreSQL: many people clicking at once decide once.</summary>
public sealed class ThreadServicePostgresTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task FiftyConcurrentDecisions_OnOneApproval_AppendExactlyOneDecision_AndTellTheOthersWhoDecidedAndWhen()
    {
        using var h = new CoreHarness(store: new PostgresEventStore(database.DataSource));
        var id = await h.LaunchAsync("deploy", "api to production", user: "alice");
        var approval = (await h.Loop.RunAsync(id)).PendingApprovals.Single();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var clicks = Enumerable.Range(1, 50).Select(i => Task.Run(async () =>
        {
            var user = $"approver{i:D2}";
            await start.Task;
            return (User: user, Result: await h.Service.DecideApprovalAsync(id, approval.Id, approve: true, CoreHarness.User(user), $"ok from {user}"));
        })).ToArray();
        start.SetResult();
        var results = await Task.WhenAll(clicks);

        var winner = Assert.Single(results, r => r.Result.Accepted);
        var events = await h.EventsAsync(id);
        var decided = Assert.Single(events, e => e.Data is ApprovalDecided);
        Assert.Equal("web:" + winner.User, decided.Actor.Id);
        var losers = results.Where(r => !r.Result.Accepted).ToList();
        Assert.Equal(49, losers.Count);
        Assert.All(losers, r =>
        {
            Assert.Equal(RejectionCodes.ApprovalNotPending, r.Result.Code);
            Assert.Equal($"Already granted by {winner.User} at {decided.At:u} (\"ok from {winner.User}\").", r.Result.Message);
        });
        Assert.Equal(2, h.Scheduler.Runs.Count(r => r == id)); // the launch's and the winner's
        Assert.Equal(events.Select((_, i) => (long)i + 1), events.Select(e => e.Seq));

        var done = await h.Loop.RunAsync(id);
        Assert.Equal(ThreadStatus.Completed, done.Status);
        Assert.Single(h.ReleaseLines(), l => l.Contains("tool=deploy_to_production", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TwoAppends_AtTheSameExpectedVersion_ExactlyOneWins_TheOtherGetsAConcurrencyException()
    {
        var store = new PostgresEventStore(database.DataSource);
        using var h = new CoreHarness(store: store);
        var id = await h.LaunchAsync("deploy", "api");
        var state = await h.StateAsync(id);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        async Task<Exception?> AppendAsync(string text)
        {
            await start.Task;
            try
            {
                await store.AppendAsync(id, state.Version, [new NewEvent(new UserInput(text), CoreHarness.User("bob"), h.Time.GetUtcNow())], ThreadSummary.From(state));
                return null;
            }
            catch (ConcurrencyException ex)
            {
                return ex;
            }
        }

        var first = Task.Run(() => AppendAsync("first"));
        var second = Task.Run(() => AppendAsync("second"));
        start.SetResult();
        var outcomes = await Task.WhenAll(first, second);

        Assert.Single(outcomes, o => o is null);
        var conflict = Assert.IsType<ConcurrencyException>(Assert.Single(outcomes, o => o is not null));
        Assert.Equal(state.Version, conflict.ExpectedVersion);
        var events = await store.ReadAsync(id);
        Assert.Equal(state.Version + 1, events.Count);
        Assert.Equal(outcomes[0] is null ? "first" : "second", ((UserInput)events[^1].Data).Text);
    }
}
