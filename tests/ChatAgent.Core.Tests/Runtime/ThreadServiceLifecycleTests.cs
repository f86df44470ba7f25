using ChatAgent.Core.Events;
using ChatAgent.Core.Planning;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Threads;
using ChatAgent.Core.Tools;

namespace ChatAgent.Core.Tests.Runtime;

/// <summary>Pause, resume with feedback, abort and answering a question (factor 6).</summary>
public sealed class ThreadServiceLifecycleTests : IDisposable
{
    private readonly CoreHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task PauseThenResumeWithFeedback_StopsTheLoop_AndTheFeedbackReachesStateAndContext()
    {
        var id = await _h.LaunchAsync("deploy", "api");
        var paused = await _h.Service.PauseAsync(id, CoreHarness.User("bob"));
        Assert.True(paused.Accepted, paused.Message);
        Assert.Equal(ThreadStatus.Paused, paused.State!.Status);
        Assert.Equal(PauseReasons.Manual, paused.State.PausedReason);
        Assert.Equal(RejectionCodes.ThreadAlreadyPaused, (await _h.Service.PauseAsync(id, CoreHarness.User("bob"))).Code);

        var count = (await _h.EventsAsync(id)).Count;
        var notRun = await _h.Loop.RunAsync(id);
        Assert.Equal(ThreadStatus.Paused, notRun.Status);
        Assert.Equal(count, (await _h.EventsAsync(id)).Count);
        Assert.Empty(_h.ReleaseLines());

        var runs = _h.Scheduler.Runs.Count;
        var resumed = await _h.Service.ResumeAsync(id, CoreHarness.User("bob"), "  staging only, please  ");
        Assert.True(resumed.Accepted, resumed.Message);
        Assert.Equal(ThreadStatus.Running, resumed.State!.Status);
        Assert.Equal(["staging only, please"], resumed.State.Feedback);
        Assert.Equal(runs + 1, _h.Scheduler.Runs.Count);
        var agent = _h.Catalog.FindAgent("deploy")!;
        var context = ContextBuilder.Render(agent, resumed.State, await _h.EventsAsync(id), [.. agent.Tools.Select(_h.Catalog.FindTool).OfType<ToolDefinition>()]);
        Assert.Contains("by=\"web:bob\">staging only, please</thread_resumed>", context);
        Assert.Equal(RejectionCodes.ThreadNotPaused, (await _h.Service.ResumeAsync(id, CoreHarness.User("bob"), null)).Code);

        var done = await _h.Loop.RunAsync(id);
        Assert.Equal(ThreadStatus.Completed, done.Status);
        Assert.Empty(done.Feedback); // seen by the first decision after the resume
    }

    [Fact]
    public async Task Abort_EndsTheThreadForGood()
    {
        var id = await _h.LaunchAsync("deploy", "api to production");
        await _h.Loop.RunAsync(id);
        var approvalId = (await _h.StateAsync(id)).PendingApprovals.Single().Id;

        var aborted = await _h.Service.AbortAsync(id, CoreHarness.User("bob"), "wrong service");

        Assert.True(aborted.Accepted, aborted.Message);
        Assert.Equal(ThreadStatus.Failed, aborted.State!.Status);
        Assert.Equal("aborted", aborted.State.FailureReason);
        Assert.Equal("Aborted by bob: wrong service", aborted.State.Summary);
        var count = (await _h.EventsAsync(id)).Count;
        Assert.Equal(ThreadStatus.Failed, (await _h.Loop.RunAsync(id)).Status);
        Assert.Equal(RejectionCodes.ThreadEnded, (await _h.Service.ResumeAsync(id, CoreHarness.User("bob"), null)).Code);
        Assert.Equal(RejectionCodes.ThreadEnded, (await _h.Service.AbortAsync(id, CoreHarness.User("bob"), null)).Code);
        Assert.Equal(RejectionCodes.ThreadEnded, (await _h.Service.DecideApprovalAsync(id, approvalId, true, CoreHarness.User("carol"), null)).Code);
        Assert.Equal(count, (await _h.EventsAsync(id)).Count);
        Assert.DoesNotContain(_h.ReleaseLines(), l => l.Contains("tool=deploy_to_production", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Answer_ToTheIncidentAgentsQuestion_ContinuesTheThread()
    {
        var id = await _h.LaunchAsync("incident", "checkout is down", user: "alice");

        var asking = await _h.Loop.RunAsync(id);
        Assert.Equal(ThreadStatus.AwaitingHuman, asking.Status);
        var question = asking.PendingQuestion!;
        Assert.Equal("What is the customer impact of 'checkout is down'?", question.Question);
        Assert.Contains(asking.Messages.Values, m => m.Key == MessageKeys.Question(question.Id));
        Assert.Equal(RejectionCodes.QuestionNotPending, (await _h.Service.AnswerAsync(id, CoreHarness.User("bob"), "x", requestId: "q_other")).Code);

        var answered = await _h.Service.AnswerAsync(id, CoreHarness.User("bob"), " All EU card payments fail ");
        Assert.True(answered.Accepted, answered.Message);
        Assert.Equal(ThreadStatus.Running, answered.State!.Status);
        Assert.Contains(id, _h.Scheduler.Runs.Skip(1));

        var done = await _h.Loop.RunAsync(id);
        Assert.Equal(ThreadStatus.Completed, done.Status);
        Assert.Equal("Opened incident INC-1.", done.Summary);
        Assert.Contains("title=checkout is down | impact=All EU card payments fail", _h.ReadData("incidents.log"));
        Assert.Equal(RejectionCodes.QuestionNotPending, (await _h.Service.AnswerAsync(id, CoreHarness.User("bob"), "again")).Code);
    }
}
