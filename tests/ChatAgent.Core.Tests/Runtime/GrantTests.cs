using System.Text.Json;
using ChatAgent.Core.Agents;
using ChatAgent.Core.Approvals;
using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Threads;
using ChatAgent.Core.Tools;
using ChatAgent.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace ChatAgent.Core.Tests.Runtime;

/// <summary>
/// Standing grants: "approve and allow for 1 h" lets later calls of the tool with the same bound values (<c>grants.on</c>)
/// run without asking, for another requester, until it expires or is revoked; refusals append nothing.
/// The loop runs the shipped deploy agent with <c>deploy_to_production</c> made grantable on <c>service</c> for up to 2 h.
/// </summary>
public sealed class GrantTests : IDisposable
{
    private static readonly TimeSpan OneHour = TimeSpan.FromHours(1);
    private static readonly ApprovalPolicy GrantablePolicy = new(["group:deployers"], ExpiresAfter: OneHour, Grants: new GrantPolicy(["service"], TimeSpan.FromHours(2)));

    private readonly TempDirectory _agents = SampleAgents.WithToolsLine("      confirm: true", "      confirm: true\n      grants: {on: [service], max_for: 2h}");

    public void Dispose() => _agents.Dispose();

    private CoreHarness Harness(IAgentCatalog? catalog = null) => new(
        approvals: CoreHarness.Groups(("deployers", ["web:bob", "web:carol", "web:dana"]), ("operators", ["web:olga"])),
        catalog: catalog ?? AgentCatalog.Load(_agents.Path));

    [Fact]
    public async Task ApproveAndAllow_GrantsTheCall_AndCreatesAGrant_BoundToTheOnValues_UntilNowPlusAllowFor()
    {
        using var h = Harness();
        var (id, approval) = await AwaitingProductionAsync(h, "api", "alice");
        h.Time.Advance(TimeSpan.FromMinutes(3));

        var result = await h.Service.ApproveAndAllowAsync(id, approval.Id, OneHour, CoreHarness.User("bob"), " release window ");

        Assert.True(result.Accepted, result.Message);
        Assert.Equal(ApprovalOutcome.Granted, result.State!.FindSettledApproval(approval.Id)!.Outcome);
        var created = Assert.Single(await h.EventsAsync(id), e => e.Data is GrantCreated);
        var grant = (GrantCreated)created.Data;
        Assert.Equal((approval.Id, "deploy_to_production", CoreHarness.Start.AddMinutes(63), "release window", "web:bob"),
            (grant.ApprovalId, grant.Tool, grant.ExpiresAt, grant.Comment, created.Actor.Id));
        Assert.Equal("""{"service":"api"}""", JsonSerializer.Serialize(grant.Constraints));
        var row = (await h.Grants!.FindGrantAsync(grant.GrantId))!;
        Assert.Equal((id, "web:bob", CoreHarness.Start.AddMinutes(3), CoreHarness.Start.AddMinutes(63)), (row.ThreadId, row.GrantedBy.Id, row.CreatedAt, row.ExpiresAt));
        Assert.Contains("allowed for 1 h", result.State.Messages[MessageKeys.Approval(approval.Id)].Text);

        var completed = await h.Loop.RunAsync(id);
        Assert.Equal(ThreadStatus.Completed, completed.Status);
        Assert.Single(h.ReleaseLines(), l => l.Contains("tool=deploy_to_production service=api"));
    }

    [Fact]
    public async Task ALaterCall_ByAnotherRequester_WithTheSameValue_RunsWithoutAsking_ApprovedByTheGrantor()
    {
        using var h = Harness();
        var grant = await GrantedAsync(h, "api", requester: "alice", grantor: "bob");
        h.Time.Advance(TimeSpan.FromMinutes(10));

        var id = await h.LaunchAsync("deploy", "api to production", "erin");
        var state = await h.Loop.RunAsync(id);

        Assert.Equal(ThreadStatus.Completed, state.Status);
        Assert.Empty(state.PendingApprovals);
        var events = await h.EventsAsync(id);
        var decided = Assert.Single(events, e => e.Data is ApprovalDecided);
        var requested = (ApprovalRequested)Assert.Single(events, e => e.Data is ApprovalRequested).Data;
        Assert.Equal(new ApprovalDecided(requested.ApprovalId, true, null, requested.ParametersHash, grant), decided.Data);
        Assert.Equal(("web:bob", "web:erin"), (decided.Actor.Id, requested.RequestedBy));
        var vote = Assert.Single(state.FindSettledApproval(requested.ApprovalId)!.Votes);
        Assert.Equal(("web:bob", grant), (vote.By, vote.Grant));
        Assert.DoesNotContain(h.Scheduler.ApprovalChecks, c => c.ApprovalId == requested.ApprovalId);
        // The card says who stood for the call, by which grant (later refreshed with what the call did).
        var card = events.Select(e => e.Data).OfType<MessageQueued>().First(m => m.MessageKey == MessageKeys.Approval(requested.ApprovalId));
        Assert.Equal($"Approved by bob's grant {grant}: deploy_to_production", card.Text);
        var ran = Assert.Single(events, e => e.Data is ToolCalled { Tool: "deploy_to_production" });
        Assert.True(ran.Seq > decided.Seq);
        Assert.Single(h.ReleaseLines(), l => l.Contains("tool=deploy_to_production service=api") && l.EndsWith($"call={requested.ToolCallId}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ACallWithAnotherValueOfABoundParameter_StillAsks()
    {
        using var h = Harness();
        await GrantedAsync(h, "api", requester: "alice", grantor: "bob");

        var id = await h.LaunchAsync("deploy", "web to production", "erin");
        var state = await h.Loop.RunAsync(id);

        AssertAsks(state, "web");
    }

    [Fact]
    public async Task ARevokedGrant_NoLongerCovers()
    {
        using var h = Harness();
        var grant = await GrantedAsync(h, "api", requester: "alice", grantor: "bob");

        var revoked = await h.Service.RevokeGrantAsync(grant, CoreHarness.User("bob"), "shift over");
        Assert.True(revoked.Accepted, revoked.Message);

        var id = await h.LaunchAsync("deploy", "api to production", "erin");
        AssertAsks(await h.Loop.RunAsync(id), "api");
        var row = (await h.Grants!.FindGrantAsync(grant))!;
        Assert.Equal("web:bob", row.RevokedBy!.Id);
    }

    [Fact]
    public async Task AnExpiredGrant_NoLongerCovers_ButOneStillLiveDoes()
    {
        using var h = Harness();
        await GrantedAsync(h, "api", requester: "alice", grantor: "bob");

        h.Time.Advance(TimeSpan.FromMinutes(59));
        var before = await h.LaunchAsync("deploy", "api to production", "erin");
        Assert.Equal(ThreadStatus.Completed, (await h.Loop.RunAsync(before)).Status);

        h.Time.Advance(TimeSpan.FromMinutes(1));
        var after = await h.LaunchAsync("deploy", "api to production", "erin");
        AssertAsks(await h.Loop.RunAsync(after), "api");
    }

    [Fact]
    public async Task TheGrantorsOwnLaterRequest_IsNotCovered()
    {
        using var h = Harness();
        await GrantedAsync(h, "api", requester: "alice", grantor: "bob");

        var id = await h.LaunchAsync("deploy", "api to production", "bob");

        AssertAsks(await h.Loop.RunAsync(id), "api");
    }

    [Fact]
    public async Task ApproveAndAllow_IsRefused_ForAToolThatIsNotGrantable_AndAppendsNothing()
    {
        using var h = Harness(AgentCatalog.Load(RepositoryPaths.Agents));
        var (id, approval) = await AwaitingProductionAsync(h, "api", "alice");

        await AssertRefusedAsync(h, id, () => h.Service.ApproveAndAllowAsync(id, approval.Id, OneHour, CoreHarness.User("bob"), null), RejectionCodes.GrantNotGrantable);
        Assert.True((await h.Service.DecideApprovalAsync(id, approval.Id, approve: true, CoreHarness.User("bob"), null)).Accepted);
    }

    [Fact]
    public async Task ApproveAndAllow_IsRefused_ForLongerThanMaxFor_AndAppendsNothing()
    {
        using var h = Harness();
        var (id, approvalId) = await h.AwaitingApprovalAsync(GrantablePolicy);

        var refused = await AssertRefusedAsync(h, id, () => h.Service.ApproveAndAllowAsync(id, approvalId, TimeSpan.FromHours(2) + TimeSpan.FromMinutes(1), CoreHarness.User("bob"), null), RejectionCodes.GrantTooLong);

        Assert.Contains("2 h", refused.Message);
        Assert.True((await h.Service.ApproveAndAllowAsync(id, approvalId, TimeSpan.FromHours(2), CoreHarness.User("bob"), null)).Accepted);
    }

    [Fact]
    public async Task ApproveAndAllow_IsRefused_ForTheRequester_EvenWhereSelfApprovalIsAllowed()
    {
        using var h = Harness();
        var (id, approvalId) = await h.AwaitingApprovalAsync(GrantablePolicy with { AllowSelfApproval = true }, requester: "bob");

        await AssertRefusedAsync(h, id, () => h.Service.ApproveAndAllowAsync(id, approvalId, OneHour, CoreHarness.User("bob"), null), RejectionCodes.GrantSelf);
        Assert.True((await h.Service.DecideApprovalAsync(id, approvalId, approve: true, CoreHarness.User("bob"), null)).Accepted);
    }

    [Fact]
    public async Task RevokeGrant_IsRefused_Twice_ForSomeoneWhoMayNot_AndForAnUnknownGrant_AppendingNothing()
    {
        using var h = Harness();
        var (id, approvalId) = await h.AwaitingApprovalAsync(GrantablePolicy);
        Assert.True((await h.Service.ApproveAndAllowAsync(id, approvalId, OneHour, CoreHarness.User("bob"), null)).Accepted);
        var grant = ((GrantCreated)(await h.EventsAsync(id)).Single(e => e.Data is GrantCreated).Data).GrantId;

        await AssertRefusedAsync(h, id, () => h.Service.RevokeGrantAsync(grant, CoreHarness.User("mallory"), null), RejectionCodes.GrantNotAllowed);
        await AssertRefusedAsync(h, id, () => h.Service.RevokeGrantAsync("gr-nope", CoreHarness.User("bob"), null), RejectionCodes.GrantNotFound);
        Assert.True((await h.Service.RevokeGrantAsync(grant, CoreHarness.User("carol"), "an approver may")).Accepted);
        await AssertRefusedAsync(h, id, () => h.Service.RevokeGrantAsync(grant, CoreHarness.User("bob"), null), RejectionCodes.GrantRevoked);

        Assert.Single(await h.EventsAsync(id), e => e.Data is GrantRevoked);
        Assert.Equal("web:carol", (await h.Grants!.FindGrantAsync(grant))!.RevokedBy!.Id);
    }

    [Fact]
    public async Task RevokeGrant_IsAllowed_ForAnOperator_WhoIsNoApprover()
    {
        using var h = Harness();
        var (id, approvalId) = await h.AwaitingApprovalAsync(GrantablePolicy);
        Assert.True((await h.Service.ApproveAndAllowAsync(id, approvalId, OneHour, CoreHarness.User("bob"), null)).Accepted);
        var grant = ((GrantCreated)(await h.EventsAsync(id)).Single(e => e.Data is GrantCreated).Data).GrantId;

        var revoked = await h.Service.RevokeGrantAsync(grant, CoreHarness.User("olga"), null);

        Assert.True(revoked.Accepted, revoked.Message);
        Assert.Empty(await h.Service.ListGrantsAsync());
        Assert.Single(await h.Service.ListGrantsAsync(includeEnded: true));
    }

    /// <summary>As the host composes Core (AddChatAgentStorage + AddChatAgentCore): the service and the loop's gate both read the store's grants.</summary>
    [Fact]
    public async Task AsRegistered_AGrantMadeThroughTheService_CoversTheLoopsNextCall()
    {
        using var h = new LoopHarness(_agents.Path, services => services.AddOptions<ApprovalOptions>().Configure(o => o.Groups["deployers"] = ["web:bob"]));
        var first = await h.LaunchAsync("deploy", "api to production");
        var approval = Assert.Single((await h.Loop.RunAsync(first)).PendingApprovals);
        Assert.True((await h.Threads.ApproveAndAllowAsync(first, approval.Id, OneHour, LoopHarness.Bob, null)).Accepted);
        Assert.Single(await h.Threads.ListGrantsAsync());

        var second = await h.LaunchAsync("deploy", "api to production");
        var state = await h.Loop.RunAsync(second);

        Assert.Equal(ThreadStatus.Completed, state.Status);
        Assert.NotNull(Assert.Single(state.SettledApprovals).Votes.Single().Grant);
    }

    [Fact]
    public void Grants_WithAQuorumAboveOne_AreALoadError_NamingTheTool()
    {
        using var agents = SampleAgents.WithToolsLine("      quorum: 1", "      quorum: 2\n      grants: {on: [service]}");

        var error = Assert.Throws<AgentConfigurationException>(() => AgentCatalog.Load(agents.Path));

        Assert.Contains(error.Problems, p => p.StartsWith("tools.yaml:", StringComparison.Ordinal) && p.Contains("tool 'deploy_to_production'") && p.Contains("quorum of 2 cannot have grants"));
    }

    [Theory]
    [InlineData("8d", false)]
    [InlineData("7d", true)]
    public void Grants_MaxFor_IsAtMostSevenDays(string maxFor, bool loads)
    {
        using var agents = SampleAgents.WithToolsLine("      confirm: true", $"      confirm: true\n      grants: {{on: [service], max_for: {maxFor}}}");

        if (loads)
        {
            Assert.Equal(TimeSpan.FromDays(7), AgentCatalog.Load(agents.Path).FindTool("deploy_to_production")!.Approval!.Grants!.MaxFor);
            return;
        }
        var error = Assert.Throws<AgentConfigurationException>(() => AgentCatalog.Load(agents.Path));
        Assert.Contains(error.Problems, p => p.Contains("tool 'deploy_to_production': grants.max_for may be at most 7 d"));
    }

    [Fact]
    public void Grants_OnAParameterTheToolDoesNotHave_AreALoadError()
    {
        using var agents = SampleAgents.WithToolsLine("      confirm: true", "      confirm: true\n      grants: {on: [servce]}");

        var error = Assert.Throws<AgentConfigurationException>(() => AgentCatalog.Load(agents.Path));

        Assert.Contains(error.Problems, p => p.Contains("tool 'deploy_to_production': grants.on names 'servce', which is not one of its parameters (service, version)"));
    }

    /// <summary>A production deploy of <paramref name="service"/> launched by <paramref name="requester"/>, run to its approval.</summary>
    private static async Task<(string ThreadId, PendingApproval Approval)> AwaitingProductionAsync(CoreHarness h, string service, string requester)
    {
        var id = await h.LaunchAsync("deploy", $"{service} to production", requester);
        var state = await h.Loop.RunAsync(id);
        Assert.Equal(ThreadStatus.AwaitingHuman, state.Status);
        return (id, Assert.Single(state.PendingApprovals));
    }

    /// <summary>A production deploy approved and allowed for an hour by <paramref name="grantor"/>, run to its end; the grant's id.</summary>
    private static async Task<string> GrantedAsync(CoreHarness h, string service, string requester, string grantor)
    {
        var (id, approval) = await AwaitingProductionAsync(h, service, requester);
        var result = await h.Service.ApproveAndAllowAsync(id, approval.Id, OneHour, CoreHarness.User(grantor), null);
        Assert.True(result.Accepted, result.Message);
        Assert.Equal(ThreadStatus.Completed, (await h.Loop.RunAsync(id)).Status);
        return ((GrantCreated)(await h.EventsAsync(id)).Single(e => e.Data is GrantCreated).Data).GrantId;
    }

    private static void AssertAsks(ThreadState state, string service)
    {
        Assert.Equal(ThreadStatus.AwaitingHuman, state.Status);
        var pending = Assert.Single(state.PendingApprovals);
        Assert.Equal(("deploy_to_production", service), (pending.Tool, pending.Parameters.GetProperty("service").GetString()));
        Assert.Empty(pending.Votes);
    }

    private static async Task<CommandResult> AssertRefusedAsync(CoreHarness h, string threadId, Func<Task<CommandResult>> command, string code)
    {
        var before = await h.EventsAsync(threadId);
        var grants = await h.Grants!.ListGrantsAsync();

        var result = await command();

        Assert.Equal((false, code), (result.Accepted, result.Code));
        Assert.Equal(before.Count, (await h.EventsAsync(threadId)).Count);
        Assert.Equal(grants.Count, (await h.Grants.ListGrantsAsync()).Count);
        return result;
    }
}
