using ChatAgent.Core.Events;
using ChatAgent.Core.Threads;
using ChatAgent.Core.Tools;

namespace ChatAgent.Core.Tests.Runtime;

/// <summary>The four turns around a tool call: preconditions before (and before any approval), verification after.</summary>
public sealed class ToolChecksTests
{
    [Fact]
    public async Task DeployToProduction_ShowsItsPassedPrecondition_OnThePendingApproval()
    {
        using var h = new LoopHarness();
        var id = await h.LaunchAsync("deploy", "api to production");

        var state = await h.Loop.RunAsync(id);

        Assert.Equal(ThreadStatus.AwaitingHuman, state.Status);
        var approval = Assert.Single(state.PendingApprovals);
        var check = Assert.Single(approval.Checks!);
        Assert.Equal((ToolCheck.Precondition, "staging runs this version", true), (check.Phase, check.Check, check.Passed));
        // The staging deploy was verified by its health check before it counted as done.
        Assert.Contains(state.Checks, c => c.Tool == "deploy_to_staging" && c.Phase == ToolCheck.Verification && c.Passed);
    }

    [Fact]
    public async Task FailedPrecondition_BlocksTheCall_AndNoApprovalIsEverAsked()
    {
        using var h = new LoopHarness();
        var id = await h.LaunchAsync("deploy", "api to production");
        await h.Loop.StepAsync(id); // run_tests
        await h.Loop.StepAsync(id); // deploy_to_staging, verified
        // Staging stops answering before production is attempted.
        File.WriteAllText(Path.Combine(h.DataDir, "unhealthy-api-staging"), "");

        var state = await h.Loop.RunAsync(id);

        var events = (await h.EventsAsync(id)).Select(e => e.Data).ToList();
        Assert.DoesNotContain(events, e => e is ApprovalRequested);
        Assert.DoesNotContain(events, e => e is ToolCalled { Tool: "deploy_to_production" });
        var errors = events.OfType<ErrorOccurred>().ToList();
        Assert.Equal(3, errors.Count);
        Assert.All(errors, e => Assert.Equal(("precondition", "deploy_to_production"), (e.Source, e.Tool)));
        Assert.Equal(3, events.OfType<CheckFailed>().Count(c => c.Phase == ToolCheck.Precondition));
        Assert.Equal((ThreadStatus.Paused, true), (state.Status, state.Escalated));
        Assert.DoesNotContain(h.ReleaseLog(), l => l.Contains("tool=deploy_to_production"));
    }

    [Fact]
    public async Task FailedVerification_IsAFailedStep_NotASuccessWithABadResult()
    {
        using var h = new LoopHarness();
        File.WriteAllText(Path.Combine(h.DataDir, "unhealthy-api-staging"), "");
        var id = await h.LaunchAsync("deploy", "api to staging");

        var state = await h.Loop.RunAsync(id);

        var events = (await h.EventsAsync(id)).Select(e => e.Data).ToList();
        Assert.DoesNotContain(events, e => e is ToolReturned { Tool: "deploy_to_staging" });
        Assert.DoesNotContain(state.Results, r => r.Tool == "deploy_to_staging");
        var errors = events.OfType<ErrorOccurred>().ToList();
        Assert.Equal(3, errors.Count);
        Assert.All(errors, e => Assert.Equal("verification", e.Source));
        Assert.Contains("expected healthy = true, got false", errors[0].Message);
        // The deploy did run (three attempts), but none was confirmed; the thread escalates instead of completing.
        Assert.Equal(3, h.ReleaseLog().Count(l => l.Contains("tool=deploy_to_staging")));
        Assert.Equal((ThreadStatus.Paused, true), (state.Status, state.Escalated));
    }

    [Fact]
    public async Task AmbiguousEnvironment_AsksBeforeActing_AndTheAnswerDecidesTheEnvironment()
    {
        using var h = new LoopHarness();
        var id = await h.LaunchAsync("deploy", "api to prod");

        var asked = await h.Loop.RunAsync(id);

        Assert.Equal(ThreadStatus.AwaitingHuman, asked.Status);
        Assert.Contains("staging or production", asked.PendingQuestion!.Question);
        Assert.Empty(h.ReleaseLog()); // nothing ran before the question was answered

        var answered = await h.Threads.AnswerAsync(id, LoopHarness.Alice, "production");
        Assert.True(answered.Accepted, answered.Message);
        var state = await h.Loop.RunAsync(id);

        Assert.Equal("deploy_to_production", Assert.Single(state.PendingApprovals).Tool);
    }
}
