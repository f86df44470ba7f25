using ChatAgent.Core.Approvals;
using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Threads;
using ChatAgent.Core.Tools;

namespace ChatAgent.Core.Tests.Runtime;

/// <summary>
/// What each accepted command asks to happen after its answer, stored with its events: run the thread (when it can
/// move on), deliver its cards (when it queued any), wake a workflow whose child stopped. A refusal asks for nothing.
/// </summary>
public sealed class ThreadServiceWakeupsTests : IDisposable
{
    private readonly CoreHarness _h;

    public ThreadServiceWakeupsTests() =>
        _h = new CoreHarness(approvals: CoreHarness.Groups(("deployers", ["web:bob", "web:carol"])));

    public void Dispose() => _h.Dispose();

    /// <summary>The wake-ups the <paramref name="command"/> stored, as "run: ids; deliver: ids".</summary>
    private async Task<string> WakeupsOfAsync(Func<Task<CommandResult>> command, bool accepted = true)
    {
        var runs = _h.Scheduler.Runs.Count;
        var deliveries = _h.Scheduler.Deliveries.Count;
        var result = await command();
        Assert.True(result.Accepted == accepted, result.Message);
        return Wakeups(_h.Scheduler.Runs.Skip(runs), _h.Scheduler.Deliveries.Skip(deliveries));
    }

    private static string Wakeups(IEnumerable<string> runs, IEnumerable<string> deliveries) =>
        $"run: {string.Join(",", runs)}; deliver: {string.Join(",", deliveries)}";

    [Fact]
    public async Task Launch_Runs_PauseDelivers_ResumeRunsAndDelivers_AbortDelivers()
    {
        var bob = CoreHarness.User("bob");
        var runs = _h.Scheduler.Runs.Count;
        var id = await _h.LaunchAsync("deploy", "api to staging");
        Assert.Equal([id], _h.Scheduler.Runs.Skip(runs));

        Assert.Equal(Wakeups(Array.Empty<string>(), (string[])[id]), await WakeupsOfAsync(() => _h.Service.PauseAsync(id, bob)));
        Assert.Equal(Wakeups(Array.Empty<string>(), Array.Empty<string>()), await WakeupsOfAsync(() => _h.Service.PauseAsync(id, bob), accepted: false));
        Assert.Equal(Wakeups((string[])[id], (string[])[id]), await WakeupsOfAsync(() => _h.Service.ResumeAsync(id, bob, null)));
        Assert.Equal(Wakeups(Array.Empty<string>(), (string[])[id]), await WakeupsOfAsync(() => _h.Service.AbortAsync(id, bob, null)));
    }

    [Fact]
    public async Task AVoteThatSettles_RunsAndDelivers_OneThatOnlyCounts_OnlyDelivers()
    {
        var (id, approvalId) = await _h.AwaitingApprovalAsync(new ApprovalPolicy(["group:deployers"], Quorum: 2));

        Assert.Equal(Wakeups(Array.Empty<string>(), (string[])[id]), await WakeupsOfAsync(() => _h.Service.DecideApprovalAsync(id, approvalId, true, CoreHarness.User("bob"), null)));
        Assert.Equal(Wakeups((string[])[id], (string[])[id]), await WakeupsOfAsync(() => _h.Service.DecideApprovalAsync(id, approvalId, true, CoreHarness.User("carol"), null)));
    }

    [Fact]
    public async Task TheLadder_OnlyDelivers_WhileTheApprovalWaits_AndTheExpiryRunsTheThreadToItsEnd()
    {
        var policy = new ApprovalPolicy(["group:deployers"], ExpiresAfter: TimeSpan.FromHours(1), RemindAfter: TimeSpan.FromMinutes(15));
        var (id, approvalId) = await _h.AwaitingApprovalAsync(policy);

        _h.Time.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(Wakeups(Array.Empty<string>(), (string[])[id]), await WakeupsOfAsync(() => _h.Service.AdvanceApprovalLadderAsync(id, approvalId)));
        _h.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(Wakeups((string[])[id], (string[])[id]), await WakeupsOfAsync(() => _h.Service.AdvanceApprovalLadderAsync(id, approvalId)));
    }

    [Fact]
    public async Task AnAnswer_RunsAndDelivers()
    {
        var model = new ScriptedChatClient().ThenCall("ask_human", new { question = "Canary first?" });
        using var h = new CoreHarness(planner: new ChatAgent.Core.Planning.ChatClientPlanner(model, "openai:test"));
        var id = await h.LaunchAsync("deploy", "api to staging");
        await h.Loop.RunAsync(id);
        var runs = h.Scheduler.Runs.Count;
        var deliveries = h.Scheduler.Deliveries.Count;

        Assert.True((await h.Service.AnswerAsync(id, CoreHarness.User("alice"), "yes")).Accepted);

        Assert.Equal([id], h.Scheduler.Runs.Skip(runs));
        Assert.Equal([id], h.Scheduler.Deliveries.Skip(deliveries));
    }

    [Fact]
    public async Task PausingOrAbortingAWorkflowsChild_WakesTheWorkflow()
    {
        var parent = await _h.LaunchAsync("deploy", "web to staging"); // stands in for the workflow thread
        var child = (await _h.Service.LaunchAsync(new LaunchCommand("deploy", "api to staging", new Origin("web"), CoreHarness.User("alice"), ParentThreadId: parent))).State!.Id;

        Assert.Equal(Wakeups((string[])[parent], (string[])[child]), await WakeupsOfAsync(() => _h.Service.PauseAsync(child, CoreHarness.User("alice"))));
        Assert.Equal(Wakeups((string[])[parent], (string[])[child]), await WakeupsOfAsync(() => _h.Service.AbortAsync(child, CoreHarness.User("alice"), "wrong service")));
    }
}
