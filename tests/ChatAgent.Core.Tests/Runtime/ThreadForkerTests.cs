using System.Text.Json;
using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Threads;
using ChatAgent.Core.Tools;

namespace ChatAgent.Core.Tests.Runtime;

/// <summary>
/// Dry-run replay (issue 17, point 4) on the shipped <c>deploy</c> agent with its real scripts: a fork replays the
/// origin's state at a seq, reuses the recorded result of every identical call, answers any other "not run (dry run)",
/// asks nobody, never runs a script and never touches the origin.
/// </summary>
public sealed class ThreadForkerTests : IDisposable
{
    private readonly CoreHarness _h = new();

    public void Dispose() => _h.Dispose();

    private static readonly Actor Caller = Actor.User("api:ci");

    [Fact]
    public async Task DryRunOfACompletedProductionDeploy_ReusesEveryRecordedResult_AndRunsNoScript()
    {
        var origin = await CompletedProductionDeployAsync();
        var originEvents = await _h.EventsAsync(origin);
        var log = await File.ReadAllBytesAsync(Path.Combine(_h.DataDir, "releases.log"));

        var forked = await _h.Forker.ForkAsync(new ForkCommand(origin, 2, Caller, DryRun: true));
        Assert.True(forked.Accepted, forked.Message);
        var fork = forked.State!.Id;
        var done = await _h.Loop.RunAsync(fork);

        Assert.Equal(ThreadStatus.Completed, done.Status);
        Assert.Equal("Deployed api 1.4.2 to production.", done.Summary);
        Assert.Equal(log, await File.ReadAllBytesAsync(Path.Combine(_h.DataDir, "releases.log")));
        var events = await _h.EventsAsync(fork);
        var results = events.Select(e => e.Data).OfType<ToolReturned>().ToList();
        Assert.Equal(
        [
            ("run_tests", """{"passed":true,"tests":42,"version":"1.4.2"}""", "recorded"),
            ("deploy_to_staging", """{"deployed":true,"service":"api","env":"staging","version":"1.4.2"}""", "recorded"),
            ("deploy_to_production", """{"deployed":true,"service":"api","env":"production","version":"1.4.2"}""", "recorded"),
        ], results.Select(r => (r.Tool, r.Result.GetRawText(), r.DryRun!)));
        // Each names the origin's event that recorded it.
        Assert.Equal(originEvents.Where(e => e.Data is ToolReturned).Select(e => e.Seq), results.Select(r => r.RecordedSeq!.Value));
        Assert.All(originEvents.Where(e => e.Data is ToolReturned), e => Assert.Null(((ToolReturned)e.Data).DryRun));
        // Nobody was asked: no approval request, no card, no ladder.
        Assert.DoesNotContain(events, e => e.Data is ApprovalRequested or HumanContacted);
        Assert.DoesNotContain(events, e => e.Data is MessageQueued { Kind: "approval" });
        Assert.DoesNotContain(_h.Scheduler.ApprovalChecks, c => c.ThreadId == fork);
        // The checks a script would have run are the origin's outcomes, marked as such.
        Assert.Equal(
        [
            ("deploy_to_staging", "verify", "staging answers with the deployed version", "recorded"),
            ("deploy_to_production", "precondition", "staging runs this version", "recorded"),
            ("deploy_to_production", "verify", "result.deployed = true", null), // evaluated on the recorded result: no tool needed
            ("deploy_to_production", "verify", "production answers with the deployed version", "recorded"),
        ], events.Select(e => e.Data).OfType<CheckPassed>().Select(c => (c.Tool, c.Phase, c.Check, c.DryRun)));
        Assert.Equal("Dry run: Deployed api 1.4.2 to production.", done.Messages[MessageKeys.Final].Text);
        Assert.StartsWith("dry run · deploy · step", done.Messages[MessageKeys.Status].Text);
        // The origin got nothing.
        Assert.Equal(originEvents.Count, (await _h.EventsAsync(origin)).Count);
    }

    [Fact]
    public async Task DryRunForkedAtAnOpenApproval_AsksNobody_AndAnswersTheDeploy_NotRun()
    {
        var origin = await _h.LaunchAsync("deploy", "api to production");
        var waiting = await _h.Loop.RunAsync(origin);
        Assert.Equal(ThreadStatus.AwaitingHuman, waiting.Status);
        var requestedAt = (await _h.EventsAsync(origin)).Single(e => e.Data is ApprovalRequested).Seq;
        var lines = _h.ReleaseLines();

        var forked = await _h.Forker.ForkAsync(new ForkCommand(origin, requestedAt, Caller, DryRun: true));
        Assert.True(forked.Accepted, forked.Message);
        // The copy holds the origin's wait, as the origin had it then.
        Assert.Equal(ThreadStatus.AwaitingHuman, forked.State!.Status);
        Assert.Equal("deploy_to_production", Assert.Single(forked.State.PendingApprovals).Tool);
        var done = await _h.Loop.RunAsync(forked.State.Id);

        Assert.Equal(ThreadStatus.Completed, done.Status);
        Assert.Empty(done.PendingApprovals);
        Assert.Equal(lines, _h.ReleaseLines());
        var production = Assert.Single((await _h.EventsAsync(done.Id)).Select(e => e.Data).OfType<ToolReturned>(), r => r.Tool == "deploy_to_production");
        Assert.Equal(("""{"status":"not run (dry run)"}""", "not_run", (long?)null), (production.Result.GetRawText(), production.DryRun, production.RecordedSeq));
        Assert.DoesNotContain((await _h.EventsAsync(done.Id)).Select(e => e.Data), e => e is CheckPassed { Phase: "verify", Tool: "deploy_to_production" });
        Assert.Equal(ThreadStatus.AwaitingHuman, (await _h.StateAsync(origin)).Status);
    }

    [Fact]
    public async Task DryRun_AsksNobody_AQuestionTheOriginAsked_GetsTheRecordedAnswer()
    {
        var origin = await _h.LaunchAsync("deploy", "api to qa");
        var asking = await _h.Loop.RunAsync(origin);
        Assert.NotNull(asking.PendingQuestion);
        Assert.True((await _h.Service.AnswerAsync(origin, CoreHarness.User("alice"), "staging")).Accepted);
        Assert.Equal(ThreadStatus.Completed, (await _h.Loop.RunAsync(origin)).Status);
        var lines = _h.ReleaseLines();

        var forked = await _h.Forker.ForkAsync(new ForkCommand(origin, 2, Caller, DryRun: true));
        var done = await _h.Loop.RunAsync(forked.State!.Id);

        Assert.Equal((ThreadStatus.Completed, "Deployed api 1.4.2 to staging."), (done.Status, done.Summary));
        var events = (await _h.EventsAsync(done.Id)).Select(e => e.Data).ToList();
        Assert.DoesNotContain(events, e => e is HumanContacted or MessageQueued { Kind: "question" });
        var answer = Assert.Single(events.OfType<ToolReturned>(), r => r.Tool == "ask_human");
        Assert.Equal(("""{"answer":"staging","by":"web:alice"}""", "recorded"), (answer.Result.GetRawText(), answer.DryRun));
        Assert.Equal(lines, _h.ReleaseLines());
    }

    [Fact]
    public async Task TheFork_ReplaysToTheOriginsStateAtTheSeq_AndNamesItsOrigin()
    {
        var origin = await CompletedProductionDeployAsync();
        var originEvents = await _h.EventsAsync(origin);
        var at = originEvents.Single(e => e.Data is ApprovalDecided).Seq;

        var forked = await _h.Forker.ForkAsync(new ForkCommand(origin, at, Caller, DryRun: true));

        var then = ThreadReducer.ReplayUntil(originEvents, at);
        var copy = forked.State!;
        Assert.Equal((origin, at, true), (copy.ForkedFrom!.ThreadId, copy.ForkedFrom.Seq, copy.DryRun));
        Assert.Equal((then.Agent, then.Input, then.Status, then.Step, then.MaxSteps), (copy.Agent, copy.Input, copy.Status, copy.Step, copy.MaxSteps));
        Assert.Equal(Json(then.Results), Json(copy.Results));
        Assert.Equal(Json(then.SettledApprovals), Json(copy.SettledApprovals));
        Assert.Equal(Json(then.Checks.Select(c => (c.ToolCallId, c.Phase, c.Check, c.Passed))), Json(copy.Checks.Select(c => (c.ToolCallId, c.Phase, c.Check, c.Passed))));
        Assert.Equal(then.ReadyToRun, copy.ReadyToRun);
        // Its own: who forked it, nowhere to post, no outbox copied.
        Assert.Equal(("api:ci", "api", null), (copy.RequestedBy, copy.Origin.Platform, copy.Origin.Conversation));
        Assert.Empty(copy.Messages);
        var copied = (await _h.EventsAsync(copy.Id)).Skip(1).Select(e => e.Data.Type);
        Assert.Equal(originEvents.Skip(1).TakeWhile(e => e.Seq <= at).Select(e => e.Data.Type).Where(t => t is not ("message_queued" or "message_posted")), copied);
    }

    [Fact]
    public async Task Refusals_NameWhy_AndAppendNothing()
    {
        var origin = await _h.LaunchAsync("deploy", "api");
        await _h.Loop.RunAsync(origin);
        var last = (await _h.EventsAsync(origin)).Count;
        var threads = (await _h.Store.ListAsync(new ThreadQuery())).Count;

        async Task<string?> Refused(ForkCommand c)
        {
            var result = await _h.Forker.ForkAsync(c);
            Assert.False(result.Accepted);
            return result.Code;
        }

        Assert.Equal("thread.not_found", await Refused(new ForkCommand("th_nope", 1, Caller, true)));
        Assert.Equal("fork.seq_unknown", await Refused(new ForkCommand(origin, 0, Caller, true)));
        Assert.Equal("fork.seq_unknown", await Refused(new ForkCommand(origin, last + 1, Caller, true)));
        Assert.Equal("fork.dry_run_only", await Refused(new ForkCommand(origin, 2, Caller, false)));
        Assert.Equal("fork.prompt_unknown", await Refused(new ForkCommand(origin, 2, Caller, true, PromptVersion: "0000000000000000")));
        Assert.Equal("fork.planner_unknown", await Refused(new ForkCommand(origin, 2, Caller, true, Planner: "openai:gpt-4o")));
        Assert.Equal(threads, (await _h.Store.ListAsync(new ThreadQuery())).Count);
        Assert.Equal(last, (await _h.EventsAsync(origin)).Count);

        // The prompt as loaded now and the planner by name are what a fork can ask for.
        var prompt = _h.Catalog.FindAgent("deploy")!.Prompt.Hash;
        var accepted = await _h.Forker.ForkAsync(new ForkCommand(origin, last, Caller, true, PromptVersion: prompt, Planner: "offline"));
        Assert.True(accepted.Accepted, accepted.Message);
        Assert.Null(accepted.State!.Planner); // offline is the configured planner here
    }

    private async Task<string> CompletedProductionDeployAsync()
    {
        var id = await _h.LaunchAsync("deploy", "api to production");
        var waiting = await _h.Loop.RunAsync(id);
        var decided = await _h.Service.DecideApprovalAsync(id, waiting.PendingApprovals[0].Id, true, CoreHarness.User("bob"), "ship it");
        Assert.True(decided.Accepted, decided.Message);
        var done = await _h.Loop.RunAsync(id);
        Assert.Equal(ThreadStatus.Completed, done.Status);
        Assert.Equal(["run_tests", "deploy_to_staging", "deploy_to_production"], _h.ReleaseLines().Select(l => l.Split(" tool=")[1].Split(' ')[0]));
        return id;
    }

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, EventJson.Options);
}
