using System.Runtime.CompilerServices;
using System.Text.Json;
using ChatAgent.Core.Agents;
using ChatAgent.Core.Audit;
using ChatAgent.Core.Events;
using ChatAgent.Core.Reliability;
using ChatAgent.Core.Tests.Runtime;
using ChatAgent.Core.Threads;
using ChatAgent.Core.Tools;
using Microsoft.Extensions.Time.Testing;

namespace ChatAgent.Core.Tests.Reliability;

/// <summary>The one reliability engine: what counts as a success, the window it reads, and the figures it derives (known answers).</summary>
public sealed class ReliabilityEngineTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 9, 12, 0, 0, TimeSpan.Zero);
    private static readonly AgentCatalog NoAgents = new([], []);

    [Fact]
    public async Task FailedVerification_CountsAsAFailedRun_AndLowersTheToolsRate_AndTheAgentsEstimate()
    {
        using var h = new LoopHarness();
        await h.Loop.RunAsync(await h.LaunchAsync("deploy", "api to staging")); // verified: succeeds
        File.WriteAllText(Path.Combine(h.DataDir, "unhealthy-web-staging"), "");
        await h.Loop.RunAsync(await h.LaunchAsync("deploy", "web to staging")); // ran 3 times, never verified: escalates

        var report = await h.Get<ReliabilityEngine>().MeasureAsync();

        var staging = Assert.Single(report.Tools, t => t.Tool == "deploy_to_staging");
        Assert.Equal((4, 1, 3, 3, 0, 0), (staging.Runs, staging.Succeeded, staging.Failed, staging.VerificationFailures, staging.Unknown, staging.BlockedByPrecondition));
        Assert.Equal(0.25, staging.SuccessRate);
        Assert.Equal((2, 2, 1.0), Figures(report, "run_tests"));
        Assert.Equal((1, 1, 1.0), Figures(report, "done"));
        var deploy = Assert.Single(report.Agents, a => a.Agent == "deploy");
        Assert.Equal(["run_tests", "deploy_to_staging", "deploy_to_production", "done"], deploy.Steps);
        Assert.Equal((2, 1, 1, 0, 1), (deploy.Threads, deploy.Ended, deploy.Completed, deploy.Failed, deploy.Open));
        Assert.Equal(1.0, deploy.ObservedCompletion); // the escalated thread is still open, not failed
        // run_tests 2/2, deploy_to_staging 1/4, deploy_to_production never ran (counted at 95%), done 1/1.
        Assert.Equal(0.2375, deploy.Estimate);
        Assert.Equal(1, deploy.UnmeasuredSteps);
        Assert.Equal(0.8145, deploy.ChapterEstimate); // 0.95^4 = 0.81450625
        Assert.Equal(0.5714, deploy.StepSuccessRate); // 4 of 7 runs
        Assert.Equal(2, report.Threads);
    }

    [Fact]
    public async Task ItReadsOnlyTheCountedTypes_OfTheWindowAskedFor_ThroughTheTimeIndex()
    {
        var audit = new RecordingAudit();
        var engine = new ReliabilityEngine(audit, NoAgents, new FakeTimeProvider(Now));

        var week = await engine.MeasureAsync();
        var month = await engine.MeasureAsync(TimeSpan.FromDays(30));
        var tooLong = await engine.MeasureAsync(TimeSpan.FromDays(400));

        Assert.Equal(
            [(Now.AddDays(-7), Now.AddSeconds(1)), (Now.AddDays(-30), Now.AddSeconds(1)), (Now.AddDays(-90), Now.AddSeconds(1))],
            audit.Asked.Select(a => (a.From, a.To)));
        Assert.All(audit.Asked, a => Assert.Equal(
            ["error", "human_contacted", "human_response", "thread_completed", "thread_failed", "thread_started", "tool_call", "tool_result"], a.Types.Order()));
        Assert.Equal((Now.AddDays(-7), Now), (week.From, week.To));
        Assert.Equal(Now.AddDays(-30), month.From);
        Assert.Equal(Now.AddDays(-90), tooLong.From);
    }

    [Fact]
    public void AQuestionSucceedsWhenAnswered_ADoneWhenTheThreadCompletes_AndACallWithNoOutcomeIsUnknown()
    {
        var answered = Thread("t1", "incident",
            new ToolCalled("c1", "ask_human", Json("{}"), ToolKind.Human, "h1"),
            new HumanContacted("q1", "c1", "Which region?"),
            new HumanResponded("q1", "eu"),
            new ToolCalled("c2", "done", Json("{}"), ToolKind.Terminal, "h2"),
            new ThreadCompleted("done"));
        var unanswered = Thread("t2", "incident",
            new ToolCalled("c1", "ask_human", Json("{}"), ToolKind.Human, "h1"),
            new HumanContacted("q1", "c1", "Which region?"));
        var crashed = Thread("t3", "incident",
            new ToolCalled("c1", "restart_service", Json("{}"), ToolKind.Immediate, "h3"));
        var blocked = Thread("t4", "incident",
            new ErrorOccurred("precondition failed", null, "precondition", "c1", "restart_service"),
            new ToolCalled("c2", "restart_service", Json("{}"), ToolKind.Immediate, "h3"),
            new ErrorOccurred("exit 1", null, "tool", "c2", "restart_service"),
            new ThreadFailed("gave_up", "gave up"));

        var report = ReliabilityEngine.Fold(Now.AddDays(-7), Now, [answered, unanswered, crashed, blocked], NoAgents);

        var ask = Assert.Single(report.Tools, t => t.Tool == "ask_human");
        Assert.Equal((2, 1, 0, 1, 1.0), (ask.Runs, ask.Succeeded, ask.Failed, ask.Unknown, ask.SuccessRate));
        var done = Assert.Single(report.Tools, t => t.Tool == "done");
        Assert.Equal((1, 1), (done.Runs, done.Succeeded));
        var restart = Assert.Single(report.Tools, t => t.Tool == "restart_service");
        Assert.Equal((2, 0, 1, 1, 1, 0.0), (restart.Runs, restart.Succeeded, restart.Failed, restart.Unknown, restart.BlockedByPrecondition, restart.SuccessRate));
        Assert.Equal(4, report.Threads);
    }

    [Fact]
    public async Task AWorkflowsEstimate_IsItsAgentsObservedCompletion_BesideTheChaptersFigure()
    {
        using var h = new LoopHarness();
        var id = await h.LaunchAsync("email-campaign", "spring to customers");
        await h.DrainAsync();
        Assert.Equal(ThreadStatus.Completed, (await h.StateAsync(id)).Status);

        var report = await h.Get<ReliabilityEngine>().MeasureAsync();

        var campaign = Assert.Single(report.Agents, a => a.Agent == "email-campaign");
        Assert.Equal("workflow", campaign.Kind);
        Assert.Equal(["campaign-audience", "campaign-content", "campaign-delivery", "campaign-report"], campaign.Steps);
        Assert.Equal((1, 1, 1.0, 1.0, 0), (campaign.Threads, campaign.Completed, campaign.ObservedCompletion, campaign.Estimate, campaign.UnmeasuredSteps));
        var toolSteps = campaign.Steps.Sum(s => report.Agents.Single(a => a.Agent == s).Steps.Count);
        Assert.Equal(Math.Round(Math.Pow(0.95, toolSteps), 4), campaign.ChapterEstimate);
        Assert.Null(campaign.StepSuccessRate);
    }

    [Fact]
    public async Task DailySummary_HasAReliabilitySection_FromTheSameEngine()
    {
        using var h = new LoopHarness();
        await h.Loop.RunAsync(await h.LaunchAsync("deploy", "api to staging"));
        var runner = new BuiltinToolRunner(h.Store, TimeProvider.System, h.Get<ReliabilityEngine>());

        var outcome = await runner.RunAsync(new ToolInvocation(ThreadState.Empty, BuiltinTools.All[BuiltinTools.SummarizeThreads], "tc-1",
            JsonDocument.Parse("{}").RootElement), CancellationToken.None);

        Assert.True(outcome.Succeeded);
        var reliability = outcome.Result.GetProperty("reliability");
        // run_tests 1/1, deploy_to_staging 1/1, deploy_to_production never ran (counted at 95%), done 1/1; 0.95^4 = 81%.
        const string line = "Reliability over 7 days (observed completion vs. measured estimate vs. the chapter's 0.95^N): deploy 100% vs 95% vs 81%.";
        Assert.Equal(line, reliability.GetProperty("text").GetString());
        Assert.Equal("1 agent thread(s) in the last 24 h: 1 completed. By agent: deploy 1. " + line, outcome.Result.GetProperty("text").GetString());
        var agent = Assert.Single(reliability.GetProperty("agents").EnumerateArray());
        Assert.Equal(("deploy", "agent", 1.0, 0.95, 0.8145, 1.0),
            (agent.GetProperty("agent").GetString(), agent.GetProperty("kind").GetString(), agent.GetProperty("observed_completion").GetDouble(),
             agent.GetProperty("estimate").GetDouble(), agent.GetProperty("chapter_estimate").GetDouble(), agent.GetProperty("step_success_rate").GetDouble()));
    }

    [Fact]
    public async Task DailySummary_WithNoFinishedThread_SaysSoInItsReliabilitySection()
    {
        using var h = new LoopHarness();
        var runner = new BuiltinToolRunner(h.Store, TimeProvider.System, h.Get<ReliabilityEngine>());

        var outcome = await runner.RunAsync(new ToolInvocation(ThreadState.Empty, BuiltinTools.All[BuiltinTools.SummarizeThreads], "tc-1",
            JsonDocument.Parse("{}").RootElement), CancellationToken.None);

        Assert.Equal("Reliability: no finished threads yet.", outcome.Result.GetProperty("reliability").GetProperty("text").GetString());
        Assert.Empty(outcome.Result.GetProperty("reliability").GetProperty("agents").EnumerateArray());
        Assert.Equal("No agent threads in the last 24 h. Reliability: no finished threads yet.", outcome.Result.GetProperty("text").GetString());
    }

    private static (int Runs, int Succeeded, double? Rate) Figures(ReliabilityReport report, string tool) =>
        report.Tools.Single(t => t.Tool == tool) is var t ? (t.Runs, t.Succeeded, t.SuccessRate) : default;

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static IReadOnlyList<StoredEvent> Thread(string id, string agent, params ThreadEvent[] events) =>
        [.. new ThreadEvent[] { new ThreadStarted(agent, "x", new Dictionary<string, string>(), new Origin("web"), 8) }.Concat(events)
            .Select((e, i) => new StoredEvent(id, i + 1, Now.AddMinutes(i - 60), Actor.Agent, e))];

    private sealed class RecordingAudit : IAuditStore
    {
        public List<(DateTimeOffset From, DateTimeOffset To, IReadOnlyCollection<string> Types)> Asked { get; } = [];

        public async IAsyncEnumerable<StoredEvent> ReadByTimeAsync(DateTimeOffset from, DateTimeOffset to, IReadOnlyCollection<string> types, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            Asked.Add((from, to, types));
            await Task.CompletedTask;
            yield break;
        }

        public Task<AuditReport> VerifyAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
