using ChatAgent.Core.Agents;
using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Storage.Postgres;
using ChatAgent.Core.Tests.Storage;
using ChatAgent.Core.Threads;
using ChatAgent.TestSupport;

namespace ChatAgent.Core.Tests.Runtime;

/// <summary>Standing grants on real PostgreSQL: the gate reads the live grants the service's commits wrote; people revoking at once revoke once.</summary>
public sealed class GrantPostgresTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IDisposable
{
    private readonly TempDirectory _agents = SampleAgents.WithToolsLine("      confirm: true", "      confirm: true\n      grants: {on: [service], max_for: 2h}");

    public void Dispose() => _agents.Dispose();

    [Fact]
    public async Task AGrant_CoversAnotherRequestersCall_UntilRevoked_AndConcurrentRevocationsRevokeOnce()
    {
        using var h = new CoreHarness(store: new PostgresEventStore(database.DataSource), catalog: AgentCatalog.Load(_agents.Path),
            approvals: CoreHarness.Groups(("deployers", ["web:bob", "web:carol"])));
        var first = await h.LaunchAsync("deploy", "api to production", "alice");
        var approval = Assert.Single((await h.Loop.RunAsync(first)).PendingApprovals);
        Assert.True((await h.Service.ApproveAndAllowAsync(first, approval.Id, TimeSpan.FromHours(1), CoreHarness.User("bob"), null)).Accepted);
        Assert.Equal(ThreadStatus.Completed, (await h.Loop.RunAsync(first)).Status);
        var grant = Assert.Single(await h.Service.ListGrantsAsync());
        Assert.Equal((first, "web:bob", CoreHarness.Start.AddHours(1)), (grant.ThreadId, grant.GrantedBy.Id, grant.ExpiresAt));

        var covered = await h.LaunchAsync("deploy", "api to production", "erin");
        var state = await h.Loop.RunAsync(covered);
        Assert.Equal(ThreadStatus.Completed, state.Status);
        Assert.Equal(grant.Id, Assert.Single(Assert.Single(state.SettledApprovals).Votes).Grant);

        var revocations = await Task.WhenAll(new[] { "bob", "carol", "bob", "carol" }.Select(user => Task.Run(() => h.Service.RevokeGrantAsync(grant.Id, CoreHarness.User(user), null))));
        Assert.Single(revocations, r => r.Accepted);
        Assert.All(revocations.Where(r => !r.Accepted), r => Assert.Equal(RejectionCodes.GrantRevoked, r.Code));
        Assert.Single(await h.EventsAsync(first), e => e.Data is GrantRevoked);
        Assert.Empty(await h.Service.ListGrantsAsync());

        var asks = await h.LaunchAsync("deploy", "api to production", "erin");
        Assert.Equal(ThreadStatus.AwaitingHuman, (await h.Loop.RunAsync(asks)).Status);
    }
}
