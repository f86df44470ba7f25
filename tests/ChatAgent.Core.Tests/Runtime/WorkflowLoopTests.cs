using ChatAgent.Core.Events;
using ChatAgent.Core.Threads;

namespace ChatAgent.Core.Tests.Runtime;

/// <summary>The release workflow (the chapter's factor-10 example) run by Core with the jobs simulated.</summary>
public sealed class WorkflowLoopTests
{
    [Fact]
    public async Task Release_TestsPass_WaitsForTheChildsProductionApproval_ThenCompletes()
    {
        using var h = new LoopHarness();
        var id = await h.LaunchAsync("release", "api");
        await h.DrainAsync();

        var waiting = await h.StateAsync(id);
        Assert.Equal(ThreadStatus.AwaitingHuman, waiting.Status);
        Assert.Equal(["production", "staging", "test"], waiting.Children.Keys);
        var approval = Assert.Single(waiting.ChildApprovals);
        Assert.Equal("deploy_to_production", approval.Tool);
        var child = waiting.Children["production"].ThreadId;
        Assert.Equal(child, approval.ChildThreadId);
        Assert.Equal(id, (await h.StateAsync(child)).ParentThreadId);

        var decided = await h.Threads.DecideApprovalAsync(child, approval.ApprovalId, true, LoopHarness.Bob, null);
        Assert.True(decided.Accepted, decided.Message);
        await h.DrainAsync();

        var done = await h.StateAsync(id);
        Assert.Equal(ThreadStatus.Completed, done.Status);
        Assert.Equal("Released api 1.4.2 to production.", done.Summary);
        Assert.Equal(["completed", "completed", "completed"], done.Children.Values.Select(c => c.Status));
        Assert.Single(h.ReleaseLog(), l => l.Contains("tool=deploy_to_production"));
    }

    [Fact]
    public async Task Release_StatusLine_TellsEachStepAsItHappens()
    {
        using var h = new LoopHarness();
        var id = await h.LaunchAsync("release", "api");
        await h.DrainAsync();
        var approval = Assert.Single((await h.StateAsync(id)).ChildApprovals);
        await h.Threads.DecideApprovalAsync(approval.ChildThreadId, approval.ApprovalId, true, LoopHarness.Bob, null);
        await h.DrainAsync();

        var state = await h.StateAsync(id);
        var children = state.Children.ToDictionary(c => c.Key, c => c.Value.ThreadId);
        var messages = (await h.EventsAsync(id)).Select(e => e.Data).OfType<MessageQueued>().ToList();
        Assert.Equal(
        [
            "release: started by Alice — \"api\"",
            $"release (workflow) · staging: deploy started ({children["staging"]})",
            "release (workflow) · staging: completed — Deployed api 1.4.2 to staging.",
            $"release (workflow) · test: release-test started ({children["test"]})",
            "release (workflow) · test: completed — Tests of api 1.4.2: passed=true, failed=0.",
            $"release (workflow) · production: deploy started ({children["production"]})",
            "release (workflow) · production: waiting for approval of deploy_to_production",
            "release (workflow) · production: completed — Deployed api 1.4.2 to production.",
            "release (workflow) · completed",
        ], messages.Where(m => m.MessageKey == "status").Select(m => m.Text));
        Assert.Equal("Released api 1.4.2 to production.", messages.Single(m => m.MessageKey == "final").Text);
        Assert.All(messages.Where(m => m.MessageKey == "status"), m => Assert.Equal("status", m.Kind));
        Assert.Equal("final", messages.Single(m => m.MessageKey == "final").Kind);
        // The thread list (a projection written with each append) is at the stream's last seq, for the workflow and its children.
        var listed = await h.Store.ListAsync(new ChatAgent.Core.Storage.ThreadQuery(Limit: 100));
        foreach (var thread in (string[])[id, .. children.Values])
        {
            var summary = listed.Single(t => t.Id == thread);
            Assert.Equal(((await h.EventsAsync(thread)).Count, "completed"), (summary.Version, summary.Status));
        }
    }

    [Fact]
    public async Task Release_TestsFail_TheNotifyAgentReports_AndNothingReachesProduction()
    {
        using var h = new LoopHarness();
        File.WriteAllText(Path.Combine(h.DataDir, "failing-tests-api"), "");
        var id = await h.LaunchAsync("release", "api");
        await h.DrainAsync();

        var state = await h.StateAsync(id);
        Assert.Equal(ThreadStatus.Failed, state.Status);
        Assert.Equal("Release of api stopped: the tests failed; the team was told.", state.Summary);
        Assert.Equal(["notify", "staging", "test"], state.Children.Keys);
        Assert.Contains("Release of api 1.4.2 stopped", File.ReadAllText(Path.Combine(h.DataDir, "notifications.log")));
        var messages = (await h.EventsAsync(id)).Select(e => e.Data).OfType<MessageQueued>().ToList();
        Assert.Equal("release (workflow) · failed: Release of api stopped: the tests failed; the team was told.", messages.Last(m => m.MessageKey == "status").Text);
        Assert.Equal("Failed: Release of api stopped: the tests failed; the team was told.", messages.Single(m => m.MessageKey == "final").Text);
        Assert.DoesNotContain(h.ReleaseLog(), l => l.Contains("tool=deploy_to_production"));
    }

    [Fact]
    public async Task Release_ProductionDenied_EndsAsNotReleased()
    {
        using var h = new LoopHarness();
        var id = await h.LaunchAsync("release", "api");
        await h.DrainAsync();
        var approval = Assert.Single((await h.StateAsync(id)).ChildApprovals);

        await h.Threads.DecideApprovalAsync(approval.ChildThreadId, approval.ApprovalId, false, LoopHarness.Bob, "freeze week");
        await h.DrainAsync();

        var state = await h.StateAsync(id);
        Assert.Equal(ThreadStatus.Failed, state.Status);
        Assert.Equal("denied", state.Children["production"].Status);
        Assert.StartsWith("api was not released to production (denied)", state.Summary);
    }

    /// <summary>
    /// Exercise 1's success criteria, for a workflow: its state (children, what it waits for) is never stored apart from
    /// its own events; replaying the same events gives identical state; replaying a prefix travels back in time.
    /// </summary>
    [Fact]
    public async Task Exercise1_WorkflowState_ComesOnlyFromItsEvents_ReplaysIdentically_AndTimeTravels()
    {
        using var h = new LoopHarness();
        var id = await h.LaunchAsync("release", "api");
        await h.DrainAsync();
        var events = await h.EventsAsync(id);

        var firstChild = events.First(e => e.Data is ChildStarted).Seq;
        var atFirstChild = ThreadReducer.ReplayUntil(events, firstChild);

        Assert.Equal(["staging"], atFirstChild.Children.Keys);
        Assert.Equal(ThreadStatus.Running, atFirstChild.Status);
        var now = ThreadReducer.Replay(events);
        Assert.Equal(ThreadStatus.AwaitingHuman, now.Status);
        Assert.Equal("deploy_to_production", Assert.Single(now.ChildApprovals).Tool);
        // Replaying the workflow's own stream (no child stream read) gives what it waits for.
        Assert.Equal(now.Children["production"].ThreadId, now.ChildApprovals[0].ChildThreadId);
        Assert.Equal(ChatAgent.TestSupport.StateJson.Of(ThreadReducer.Replay(events)), ChatAgent.TestSupport.StateJson.Of(ThreadReducer.Replay(events)));
    }

    [Fact]
    public async Task EmailCampaign_FourAgentsInOrder_EachResultIsTheNextInput()
    {
        using var h = new LoopHarness();
        var id = await h.LaunchAsync("email-campaign", "spring to customers");
        await h.DrainAsync();

        var state = await h.StateAsync(id);
        var dump = string.Join("\n", await Task.WhenAll(state.Children.Values.Select(async c => c.StepId + ": " + string.Join(" | ", (await h.EventsAsync(c.ThreadId)).Select(e => ChatAgent.TestSupport.StateJson.Of(e.Data))))));
        Assert.True(state.Status == ThreadStatus.Completed, dump);
        // 7 customers; dan@example is malformed, gus@ is suppressed: 5 get mail, bounce@ bounces.
        Assert.Equal("Campaign spring: audience 5, sent 5, delivered 4, bounced 1.", state.Summary);
        Assert.Equal(["audience", "content", "delivery", "report"], state.Children.Keys);
        Assert.Equal("spring 5", state.Children["delivery"].Input);
        foreach (var child in state.Children.Values)
        {
            var agent = h.Catalog.FindAgent(child.Agent)!;
            Assert.True(agent.Plan.Count <= 10, $"{agent.Name} has {agent.Plan.Count} steps");
            Assert.Equal("completed", child.Status);
        }
        var suppression = File.ReadAllLines(Path.Combine(h.DataDir, "campaigns", "suppression.txt"));
        Assert.Contains("bounce@example.com", suppression);
    }
}
