using ChatAgent.Core.Events;
using ChatAgent.Core.Planning;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Threads;
using ChatAgent.Core.Tools;
using ChatAgent.TestSupport;

namespace ChatAgent.Core.Tests.Runtime;

/// <summary>
/// The shipped <c>deploy</c> agent, offline, through <see cref="ThreadService"/> and <see cref="AgentLoop"/>: the
/// issue's "Done when" run. The shell scripts really run and leave one <c>releases.log</c> line per execution.
/// </summary>
public sealed class DeployEndToEndTests : IDisposable
{
    private readonly CoreHarness _h = new();

    public void Dispose() => _h.Dispose();

    /// <summary>
    /// The chapter's exercise 2 success criteria, each asserted below:
    /// (1) the agent pauses before the high-stakes tool (deploy_to_production is not run until someone grants it);
    /// (2) the approval is recorded as an event (approval_decided, with who decided and their comment);
    /// (3) the resumed agent has full context (the context the planner sees after the grant holds the earlier
    ///     results, the approval request and the decision).
    /// </summary>
    [Fact]
    public async Task DeployToProduction_PausesForApproval_AndCompletesOnceAnotherUserGrants()
    {
        var snapshots = new Dictionary<long, string>();
        async Task Snapshot(string threadId)
        {
            var live = (await _h.Service.GetStateAsync(threadId))!;
            snapshots[live.Version] = StateJson.Of(live);
        }

        var id = await _h.LaunchAsync("deploy", "api to production", user: "alice");
        await Snapshot(id);

        var paused = await _h.Loop.RunAsync(id);
        await Snapshot(id);

        // (1) It stopped before production: staging ran, production did not.
        Assert.Equal(ThreadStatus.AwaitingHuman, paused.Status);
        var approval = Assert.Single(paused.PendingApprovals);
        Assert.Equal("deploy_to_production", approval.Tool);
        Assert.Equal("""{"service":"api","version":"1.4.2"}""", CanonicalJson.Serialize(approval.Parameters));
        var pausedEvents = await _h.EventsAsync(id);
        var requested = Assert.Single(pausedEvents.Select(e => e.Data).OfType<ApprovalRequested>());
        Assert.Equal(approval.Id, requested.ApprovalId);
        Assert.DoesNotContain(pausedEvents, e => e.Data is ToolCalled { Tool: "deploy_to_production" });
        Assert.Equal(["run_tests", "deploy_to_staging"], ToolsIn(_h.ReleaseLines()));
        Assert.Contains(_h.Scheduler.ApprovalChecks, c => c.ApprovalId == approval.Id && c.At == approval.ExpiresAt);
        Assert.Contains(paused.Messages.Values, m => m.Key == MessageKeys.Approval(approval.Id) && m.Kind == "approval");

        // (2) Another user grants; the decision is an event naming them.
        var runsBefore = _h.Scheduler.Runs.Count;
        var decided = await _h.Service.DecideApprovalAsync(id, approval.Id, approve: true, CoreHarness.User("bob"), "ship it");
        Assert.True(decided.Accepted, decided.Message);
        Assert.Equal(ThreadStatus.Running, decided.State!.Status);
        Assert.Equal(runsBefore + 1, _h.Scheduler.Runs.Count);
        await Snapshot(id);
        var afterGrant = await _h.EventsAsync(id);
        var vote = Assert.Single(afterGrant, e => e.Data is ApprovalDecided);
        Assert.Equal("web:bob", vote.Actor.Id);
        Assert.Equal(new ApprovalDecided(approval.Id, true, "ship it", approval.ParametersHash), vote.Data);

        // (3) What the planner sees next: the whole story, results included.
        var agent = _h.Catalog.FindAgent("deploy")!;
        var tools = agent.Tools.Select(_h.Catalog.FindTool).OfType<ToolDefinition>().ToList();
        var context = ContextBuilder.Render(agent, decided.State, afterGrant, tools);
        Assert.Contains("<tool_result tool=\"run_tests\"", context);
        Assert.Contains("<tool_result tool=\"deploy_to_staging\"", context);
        Assert.Contains("<approval_requested", context);
        Assert.Contains("vote=\"grant\" by=\"web:bob\"", context);

        var completed = await _h.Loop.RunAsync(id);
        await Snapshot(id);

        Assert.Equal(ThreadStatus.Completed, completed.Status);
        Assert.Equal("Deployed api 1.4.2 to production.", completed.Summary);
        var events = await _h.EventsAsync(id);
        var calls = events.Select(e => e.Data).OfType<ToolCalled>().Where(c => c.Kind != ToolKind.Terminal).ToList();
        Assert.Equal(["run_tests", "deploy_to_staging", "deploy_to_production"], calls.Select(c => c.Tool));
        Assert.All(calls, c => Assert.Equal(1, c.Attempt));
        // Every non-approval tool ran exactly once, and production ran once, after the grant, as the approved call.
        var lines = _h.ReleaseLines();
        Assert.Equal(["run_tests", "deploy_to_staging", "deploy_to_production"], ToolsIn(lines));
        Assert.All(calls, c => Assert.Single(lines, l => l.EndsWith($" call={c.ToolCallId}", StringComparison.Ordinal)));
        Assert.Equal(requested.ToolCallId, calls[2].ToolCallId);
        Assert.Equal(requested.ParametersHash, calls[2].ParametersHash);
        Assert.True(events.Single(e => e.Data is ToolCalled { Tool: "deploy_to_production" }).Seq > vote.Seq);

        AssertEveryPrefixReplaysToTheLiveState(events, snapshots);
    }

    [Fact]
    public async Task DeployToStaging_CompletesWithoutAnyApproval()
    {
        var id = await _h.LaunchAsync("deploy", "api");

        var state = await _h.Loop.RunAsync(id);

        Assert.Equal(ThreadStatus.Completed, state.Status);
        Assert.Equal("Deployed api 1.4.2 to staging.", state.Summary);
        var events = await _h.EventsAsync(id);
        Assert.DoesNotContain(events, e => e.Data is ApprovalRequested);
        Assert.Empty(_h.Scheduler.ApprovalChecks);
        Assert.Equal(["run_tests", "deploy_to_staging"], ToolsIn(_h.ReleaseLines()));
        Assert.Equal(MessageKeys.Final, events.Select(e => e.Data).OfType<MessageQueued>().Last().MessageKey);
        Assert.Contains(id, _h.Scheduler.Deliveries);
        AssertEveryPrefixReplaysToTheLiveState(events, new Dictionary<long, string> { [state.Version] = StateJson.Of(state) });
    }

    /// <summary>
    /// Time travel: <see cref="ThreadReducer.ReplayUntil"/> at every seq equals the state folded one event at a time,
    /// and equals what the service answered live at each point the test looked (launch, pause, grant, end).
    /// </summary>
    private static void AssertEveryPrefixReplaysToTheLiveState(IReadOnlyList<StoredEvent> events, IReadOnlyDictionary<long, string> liveSnapshots)
    {
        var incremental = ThreadState.Empty;
        foreach (var e in events)
        {
            incremental = ThreadReducer.Reduce(incremental, e);
            var replayed = StateJson.Of(ThreadReducer.ReplayUntil(events, e.Seq));
            Assert.Equal(StateJson.Of(incremental), replayed);
            if (liveSnapshots.TryGetValue(e.Seq, out var live)) Assert.Equal(live, replayed);
        }
        Assert.All(liveSnapshots.Keys, seq => Assert.InRange(seq, 1, events.Count));
    }

    private static string[] ToolsIn(string[] releaseLines) =>
        [.. releaseLines.Select(l => l.Split(' ').Single(p => p.StartsWith("tool=", StringComparison.Ordinal))["tool=".Length..])];
}
