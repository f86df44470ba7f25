using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatAgent.Bot.Slack;
using ChatAgent.Bot.Tests.Audit;
using ChatAgent.Bot.Tests.Slack.Support;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.TestSupport;

namespace ChatAgent.Bot.Tests.Observability;

/// <summary>Metrics are process-wide: no other host may run a flow while this one counts.</summary>
[CollectionDefinition(nameof(MetricsCollection), DisableParallelization = true)]
public sealed class MetricsCollection;

[Collection(nameof(MetricsCollection))]
public sealed class MetricsTests
{
    [Fact]
    public async Task Metrics_FollowAScriptedFlow_OnTheScrapeEndpoint()
    {
        await using var host = await BotHost.StartAsync(postgres: true);
        var before = await ScrapeAsync(host);

        var launch = await host.Client.PostAsJsonAsync("/api/threads", new { agent = "deploy", input = "api to production", user = "web:alice" });
        var id = (await launch.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var waiting = await Poll.UntilAsync(() => host.Client.GetFromJsonAsync<JsonElement>($"/api/threads/{id}"),
            s => s.GetProperty("status").GetString() == "awaiting_human", what: "the approval request");
        // The step's counter is written just after its events: poll the scrape, as a dashboard would.
        var asked = await Poll.UntilAsync(() => ScrapeAsync(host),
            m => Sum(m, "chatagent_steps", "chatagent_outcome=\"awaiting_approval\"") > Sum(before, "chatagent_steps", "chatagent_outcome=\"awaiting_approval\""), what: "the step counter");
        Assert.Equal(1, Sum(asked, "chatagent_threads_started", "chatagent_agent=\"deploy\"") - Sum(before, "chatagent_threads_started", "chatagent_agent=\"deploy\""));
        Assert.Equal(1, Sum(asked, "chatagent_steps", "chatagent_outcome=\"awaiting_approval\"") - Sum(before, "chatagent_steps", "chatagent_outcome=\"awaiting_approval\""));
        Assert.Equal(2, Sum(asked, "chatagent_tool_calls", "chatagent_outcome=\"ok\"") - Sum(before, "chatagent_tool_calls", "chatagent_outcome=\"ok\""));
        Assert.Equal(0, Sum(asked, "chatagent_threads_completed", "deploy") - Sum(before, "chatagent_threads_completed", "deploy"));

        var decide = await host.Client.PostAsJsonAsync($"/api/threads/{id}/approvals/{waiting.GetProperty("pendingApprovals")[0].GetProperty("id").GetString()}",
            new { decision = "approve", user = "web:bob" });
        Assert.Equal(HttpStatusCode.OK, decide.StatusCode);
        await Poll.UntilAsync(() => host.Client.GetFromJsonAsync<JsonElement>($"/api/threads/{id}"),
            s => s.GetProperty("status").GetString() == "completed", what: "completion");
        var done = await Poll.UntilAsync(() => ScrapeAsync(host),
            m => Sum(m, "chatagent_steps", "chatagent_outcome=\"completed\"") > Sum(before, "chatagent_steps", "chatagent_outcome=\"completed\""), what: "the final step counter");

        Assert.Equal(1, Sum(done, "chatagent_threads_completed", "chatagent_agent=\"deploy\"") - Sum(before, "chatagent_threads_completed", "chatagent_agent=\"deploy\""));
        Assert.Equal(1, Sum(done, "chatagent_approval_decision_duration_seconds_count", "chatagent_decision=\"approved\"")
            - Sum(before, "chatagent_approval_decision_duration_seconds_count", "chatagent_decision=\"approved\""));
        Assert.Equal(1, Sum(done, "chatagent_tool_calls", "chatagent_tool=\"deploy_to_production\"") - Sum(before, "chatagent_tool_calls", "chatagent_tool=\"deploy_to_production\""));
        Assert.Equal(1, Sum(done, "chatagent_steps", "chatagent_outcome=\"completed\"") - Sum(before, "chatagent_steps", "chatagent_outcome=\"completed\""));
        Assert.Contains(done, l => l.StartsWith("chatagent_jobs_queue_depth", StringComparison.Ordinal) && l.Contains("hangfire_queue=\"threads\""));
        Assert.Contains(done, l => l.StartsWith("http_server_request_duration_seconds_count", StringComparison.Ordinal) && l.Contains("/api/threads/{id}/approvals/{approvalId}"));
    }

    /// <summary>
    /// A Slack flow with a model planner whose deploy keeps failing its verification: Slack's first post fails once (the
    /// delivery is retried), the thread escalates after three errors, a person aborts it from the stuck card; then the
    /// model slows down while it holds the one job worker, and a launch waits in the queue. Each step shows on <c>/metrics</c> as an SRE would watch it.
    /// </summary>
    [Fact]
    public async Task Metrics_FollowAChatFlow_ModelTokens_DeliveryRetry_Escalation_Abort_AndQueueDepth()
    {
        await using var model = new FakeOpenAiServer(
            ("run_tests", new { service = "api" }),
            ("deploy_to_staging", new { service = "api", version = "1.4.2" }));
        await using var rig = await SlackRig.StartAsync(postgres: true, settings: new Dictionary<string, string?>
        {
            ["Llm:Provider"] = "openai",
            ["Llm:Model"] = "gpt-test",
            ["Llm:BaseUrl"] = model.Url,
            ["Llm:ApiKey"] = "sk-test",
            ["Jobs:WorkerCount"] = "1",
            ["Jobs:RunWorkers"] = "1",
        });
        // Staging does not answer after the deploy: each deploy_to_staging fails its verification.
        await File.WriteAllTextAsync(Path.Combine(rig.Host.DataDir, "unhealthy-api-staging"), "");
        rig.Slack.FailNext("chat.postMessage", "internal_error");
        var before = await ScrapeAsync(rig.Host);
        double Delta(string[] now, string metric, params string[] labels) => Sum(now, metric, labels) - Sum(before, metric, labels);

        var threadId = SlackRig.ThreadIdFrom(await rig.CommandAsync("/deploy", "api to staging", user: "UALICE"));
        // Slack's first answer was an error: the message waits in the outbox until the delivery job's retry posts it.
        await Poll.UntilAsync(() => ScrapeAsync(rig.Host), m => Sum(m, "chatagent_outbox_backlog") >= 1, what: "an outbox backlog while Slack fails");
        var stuck = (await rig.WaitForCallsAsync(calls => calls.Any(IsStuckCard), "the stuck card")).First(IsStuckCard);
        var escalated = await Poll.UntilAsync(() => ScrapeAsync(rig.Host),
            m => Delta(m, "chatagent_steps", "chatagent_outcome=\"escalated\"") >= 1 && Sum(m, "chatagent_outbox_backlog") == 0, what: "the escalation's step and an empty outbox");

        Assert.Equal(1, Delta(escalated, "chatagent_threads_started", "chatagent_agent=\"deploy\""));
        Assert.Equal(1, Delta(escalated, "chatagent_threads_escalated", "chatagent_agent=\"deploy\""));
        Assert.Equal(0, Delta(escalated, "chatagent_threads_failed", "chatagent_agent=\"deploy\""));
        Assert.Equal(1, Delta(escalated, "chatagent_steps", "chatagent_outcome=\"ok\""));
        Assert.Equal(2, Delta(escalated, "chatagent_steps", "chatagent_outcome=\"error\""));
        Assert.Equal(1, Delta(escalated, "chatagent_tool_calls", "chatagent_tool=\"run_tests\"", "chatagent_outcome=\"ok\""));
        Assert.Equal(3, Delta(escalated, "chatagent_tool_calls", "chatagent_tool=\"deploy_to_staging\"", "chatagent_outcome=\"verification_failed\""));
        // Every model call's tokens, as the fake model reported them (100 in, 10 out per call).
        var calls = model.Requests.Count;
        Assert.Equal(4, calls);
        Assert.Equal(100 * calls, Delta(escalated, "gen_ai_client_token_usage_sum", "gen_ai_token_type=\"input\""));
        Assert.Equal(10 * calls, Delta(escalated, "gen_ai_client_token_usage_sum", "gen_ai_token_type=\"output\""));
        Assert.Equal(1, Delta(escalated, "chatagent_outbox_delivery_retries"));
        Assert.Equal(1, Delta(escalated, "chatagent_outbox_deliveries", "chatagent_platform=\"slack\"", "chatagent_outcome=\"error\""));
        Assert.True(Delta(escalated, "chatagent_outbox_deliveries", "chatagent_platform=\"slack\"", "chatagent_outcome=\"ok\"") >= 2);
        Assert.Equal(1, Delta(escalated, "http_server_request_duration_seconds_count", "http_route=\"/slack/commands\""));

        var abort = await rig.ClickAsync(SlackActions.Abort, stuck.Buttons.Single(b => b.ActionId == SlackActions.Abort).Value, user: "UALICE"); // the requester may abort their own thread
        Assert.Equal(HttpStatusCode.OK, abort.StatusCode);
        await rig.WaitForAsync(threadId, s => s.Status == Core.Threads.ThreadStatus.Failed, "the abort");
        var aborted = await Poll.UntilAsync(() => ScrapeAsync(rig.Host),
            m => Delta(m, "chatagent_threads_failed", "chatagent_agent=\"deploy\"") >= 1, what: "the failed-threads counter");
        Assert.Equal(1, Delta(aborted, "chatagent_threads_failed", "chatagent_agent=\"deploy\""));
        Assert.Equal(1, Delta(aborted, "http_server_request_duration_seconds_count", "http_route=\"/slack/interactions\""));

        // The model slows down and holds the only run worker: the next launch's run waits for it, and the gauge shows it.
        await TracingTests.IdleAsync(rig.Host);
        Assert.Equal(0, Sum(await ScrapeAsync(rig.Host), "chatagent_runs_waiting"));
        model.Hold();
        var asked = model.Requests.Count;
        Assert.Equal(HttpStatusCode.Accepted, (await rig.Client.PostAsJsonAsync("/api/threads", new { agent = "deploy", input = "api to staging", user = "web:alice" })).StatusCode);
        await Poll.UntilAsync(() => Task.FromResult(model.Requests.Count), n => n > asked, what: "the first launch's model call");
        Assert.Equal(1, Sum(await ScrapeAsync(rig.Host), "chatagent_runs_active"));
        Assert.Equal(HttpStatusCode.Accepted, (await rig.Client.PostAsJsonAsync("/api/threads", new { agent = "deploy", input = "web to staging", user = "web:alice" })).StatusCode);
        // The dispatcher counts it at its look after the launch's commit, which follows the 202.
        await Poll.UntilAsync(() => ScrapeAsync(rig.Host), m => Sum(m, "chatagent_runs_waiting") == 1, what: "the second run waiting for the worker");
        model.Release();
        await Poll.UntilAsync(() => ScrapeAsync(rig.Host), m => Sum(m, "chatagent_runs_waiting") == 0, what: "the waiting run started");
    }

    private static bool IsStuckCard(SlackCall call) => call.Method == "chat.postMessage" && call.Buttons.Any(b => b.ActionId == SlackActions.Abort);

    private static async Task<string[]> ScrapeAsync(BotHost host)
    {
        var response = await host.Client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadAsStringAsync()).Split('\n');
    }

    /// <summary>The sum of the samples of every series of <paramref name="metric"/> whose labels contain each of <paramref name="labels"/>.</summary>
    private static double Sum(string[] lines, string metric, params string[] labels) => lines
        .Where(l => l.StartsWith(metric, StringComparison.Ordinal) && labels.All(label => l.Contains(label, StringComparison.Ordinal)))
        .Where(l => metric.EndsWith("_count", StringComparison.Ordinal) || !l.Contains("_count", StringComparison.Ordinal))
        .Sum(l => double.Parse(l.Split(' ')[1], CultureInfo.InvariantCulture));
}
