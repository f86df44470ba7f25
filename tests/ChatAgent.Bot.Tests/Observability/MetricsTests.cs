using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatAgent.Bot.Tests.Audit;
using ChatAgent.Bot.Tests.Support;

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

        await AuditTrailTests.RunLockReleasedAsync(host);
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

    private static async Task<string[]> ScrapeAsync(BotHost host)
    {
        var response = await host.Client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadAsStringAsync()).Split('\n');
    }

    /// <summary>The sum of the samples of every series of <paramref name="metric"/> whose labels contain <paramref name="label"/>.</summary>
    private static double Sum(string[] lines, string metric, string label) => lines
        .Where(l => l.StartsWith(metric, StringComparison.Ordinal) && l.Contains(label, StringComparison.Ordinal))
        .Where(l => metric.EndsWith("_count", StringComparison.Ordinal) || !l.Contains("_count", StringComparison.Ordinal))
        .Sum(l => double.Parse(l.Split(' ')[1], CultureInfo.InvariantCulture));
}
