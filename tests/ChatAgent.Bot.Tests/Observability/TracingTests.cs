using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatAgent.Bot.Tests.Audit;
using ChatAgent.Bot.Tests.Support;
using OpenTelemetry.Trace;

namespace ChatAgent.Bot.Tests.Observability;

public sealed class TracingTests
{
    /// <summary>
    /// The click is the REST approval endpoint (Slack's interactivity endpoint is not on this base yet): its trace id,
    /// propagated as a W3C traceparent, is the trace id of the thread run it releases, of each resumed step, of the tool run
    /// and of the SQL those steps issue.
    /// </summary>
    [Fact]
    public async Task ApprovalClick_AndTheStepsItReleases_ShareOneTrace()
    {
        var spans = new SpanCollection();
        await using var host = await BotHost.StartAsync(postgres: true,
            services: s => s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans)));
        var launch = await host.Client.PostAsJsonAsync("/api/threads", new { agent = "deploy", input = "api to production", user = "web:alice" });
        var id = (await launch.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var waiting = await Poll.UntilAsync(() => host.Client.GetFromJsonAsync<JsonElement>($"/api/threads/{id}"),
            s => s.GetProperty("status").GetString() == "awaiting_human", what: "the approval request");
        await AuditTrailTests.RunLockReleasedAsync(host);

        // The person's click: the caller's span is the parent of the request, as a chat platform's would be.
        var click = new Activity("test.click").SetIdFormat(ActivityIdFormat.W3C);
        click.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        click.Start();
        var traceId = click.TraceId;
        var decide = await host.Client.PostAsJsonAsync($"/api/threads/{id}/approvals/{waiting.GetProperty("pendingApprovals")[0].GetProperty("id").GetString()}",
            new { decision = "approve", user = "web:bob" });
        click.Stop();
        Assert.Equal(HttpStatusCode.OK, decide.StatusCode);
        await Poll.UntilAsync(() => host.Client.GetFromJsonAsync<JsonElement>($"/api/threads/{id}"),
            s => s.GetProperty("status").GetString() == "completed", what: "completion");

        var trace = await Poll.UntilAsync(() => Task.FromResult(spans.Snapshot().Where(a => a.TraceId == traceId).ToList()),
            t => t.Any(a => a.OperationName == "chatagent.step" && Tag(a, "chatagent.outcome") == "completed") && t.Any(a => a.OperationName == "chatagent.thread.run"), what: "the final step's span and the run's");
        Assert.Contains(trace, a => a.Kind == ActivityKind.Server && a.GetTagItem("http.route") as string == "/api/threads/{id}/approvals/{approvalId}");
        var run = Assert.Single(trace, a => a.OperationName == "chatagent.thread.run");
        Assert.Equal(id, Tag(run, "chatagent.thread.id"));
        var deployStep = Assert.Single(trace, a => a.OperationName == "chatagent.step" && Tag(a, "chatagent.tool") == "deploy_to_production");
        Assert.Equal(("deploy", "ok", id), (Tag(deployStep, "chatagent.agent"), Tag(deployStep, "chatagent.outcome"), Tag(deployStep, "chatagent.thread.id")));
        Assert.NotNull(deployStep.GetTagItem("chatagent.step"));
        Assert.NotNull(deployStep.GetTagItem("chatagent.tool.kind"));
        Assert.Equal(run.SpanId, deployStep.ParentSpanId);
        Assert.Contains(trace, a => a.OperationName == "chatagent.tool deploy_to_production" && Tag(a, "chatagent.outcome") == "ok");
        Assert.Contains(trace, a => a.Source.Name == "Npgsql");
        // The launch was another request: its steps are in another trace.
        Assert.DoesNotContain(trace, a => a.OperationName == "chatagent.step" && Tag(a, "chatagent.tool") == "run_tests");
    }

    private static string? Tag(Activity activity, string name) => activity.GetTagItem(name)?.ToString();
}
