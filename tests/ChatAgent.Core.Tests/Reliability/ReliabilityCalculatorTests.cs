using ChatAgent.Core.Reliability;
using ChatAgent.Core.Tests.Runtime;
using ChatAgent.Core.Tools;

namespace ChatAgent.Core.Tests.Reliability;

public sealed class ReliabilityCalculatorTests
{
    [Fact]
    public async Task FailedVerification_CountsAsAFailedStep_AndLowersTheToolsMeasuredRate()
    {
        using var h = new LoopHarness();
        await h.Loop.RunAsync(await h.LaunchAsync("deploy", "api to staging")); // verified: succeeds
        File.WriteAllText(Path.Combine(h.DataDir, "unhealthy-web-staging"), "");
        await h.Loop.RunAsync(await h.LaunchAsync("deploy", "web to staging")); // ran 3 times, never verified: escalates

        var report = await new ReliabilityCalculator(h.Store, h.Catalog).MeasureAsync();

        var staging = Assert.Single(report.Tools, t => t.Tool == "deploy_to_staging");
        Assert.Equal((4, 1, 3, 3), (staging.Executed, staging.Succeeded, staging.Failed, staging.VerificationFailures));
        Assert.Equal(0.25, staging.SuccessRate);
        var deploy = Assert.Single(report.Agents, a => a.Agent == "deploy");
        Assert.Equal((2, 1, 0, 1), (deploy.Threads, deploy.Completed, deploy.Failed, deploy.Open));
        Assert.Equal(1.0, deploy.ObservedCompletion); // the escalated thread is still open, not failed
        // run_tests 2/2, deploy_to_staging 1/4, deploy_to_production never ran (assumed 95%).
        Assert.Equal(Math.Round(1.0 * 0.25 * 0.95, 4), deploy.EstimatedEndToEnd);
        Assert.Equal(3, deploy.Steps);
    }

    [Fact]
    public async Task DailySummary_HasAReliabilitySection()
    {
        using var h = new LoopHarness();
        await h.Loop.RunAsync(await h.LaunchAsync("deploy", "api to staging"));
        var runner = new BuiltinToolRunner(h.Store, TimeProvider.System, new ReliabilityCalculator(h.Store, h.Catalog));

        var outcome = await runner.RunAsync(new ToolInvocation(ChatAgent.Core.Threads.ThreadState.Empty, BuiltinTools.All[BuiltinTools.SummarizeThreads], "tc-1",
            System.Text.Json.JsonDocument.Parse("{}").RootElement), CancellationToken.None);

        Assert.True(outcome.Succeeded);
        var reliability = outcome.Result.GetProperty("reliability");
        // run_tests 1/1, deploy_to_staging 1/1, deploy_to_production never ran (assumed 95 %).
        const string line = "Reliability (observed completion vs. estimated end-to-end): deploy 100% vs 95%.";
        Assert.Equal(line, reliability.GetProperty("text").GetString());
        Assert.Equal("1 agent thread(s) in the last 24 h: 1 completed. By agent: deploy 1. " + line, outcome.Result.GetProperty("text").GetString());
        var agent = Assert.Single(reliability.GetProperty("agents").EnumerateArray());
        Assert.Equal(("deploy", 1.0, 0.95, 1.0),
            (agent.GetProperty("agent").GetString(), agent.GetProperty("observed_completion").GetDouble(),
             agent.GetProperty("estimated_end_to_end").GetDouble(), agent.GetProperty("step_success_rate").GetDouble()));
        Assert.Equal("agent", agent.GetProperty("kind").GetString());
    }

    [Fact]
    public async Task DailySummary_WithNoFinishedThread_SaysSoInItsReliabilitySection()
    {
        using var h = new LoopHarness();
        var runner = new BuiltinToolRunner(h.Store, TimeProvider.System, new ReliabilityCalculator(h.Store, h.Catalog));

        var outcome = await runner.RunAsync(new ToolInvocation(ChatAgent.Core.Threads.ThreadState.Empty, BuiltinTools.All[BuiltinTools.SummarizeThreads], "tc-1",
            System.Text.Json.JsonDocument.Parse("{}").RootElement), CancellationToken.None);

        Assert.Equal("Reliability: no finished threads yet.", outcome.Result.GetProperty("reliability").GetProperty("text").GetString());
        Assert.Empty(outcome.Result.GetProperty("reliability").GetProperty("agents").EnumerateArray());
        Assert.Equal("No agent threads in the last 24 h. Reliability: no finished threads yet.", outcome.Result.GetProperty("text").GetString());
    }
}
