using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.TestSupport;

namespace ChatAgent.Bot.Tests.Workflows;

/// <summary>The shipped workflows, launched over the REST API of the real host, on PostgreSQL, with the offline planner.</summary>
public sealed class WorkflowsEndToEndTests
{
    /// <summary>
    /// Exercise 2's success criteria, for a workflow: the agent pauses automatically before the high-stakes tool (and its
    /// workflow waits with it), the human approval is recorded as an event, and the resumed agent has its full context
    /// from before the pause — even though the process died while it waited.
    /// </summary>
    [Fact]
    public async Task Release_ChildWaitsForApproval_SurvivesAProcessCrash_ThenCompletesAfterApproval()
    {
        string parentId, childId, approvalId, connection;
        // The scripts' folder outlives the first process, as a server's disk does.
        using var data = new TempDirectory();
        var dataDir = data.Path;
        await using (var first = await BotHost.StartAsync(new Dictionary<string, string?> { ["Agents:DataDir"] = dataDir }, postgres: true))
        {
            connection = first.ConnectionString!;
            parentId = await LaunchAsync(first, "release", "api");
            var waiting = await Poll.UntilAsync(() => GetAsync(first, parentId),
                s => s.GetProperty("status").GetString() == "awaiting_human" && s.GetProperty("childApprovals").GetArrayLength() == 1,
                what: "the workflow to wait for its child's approval");
            var approval = waiting.GetProperty("childApprovals")[0];
            Assert.Equal("deploy_to_production", approval.GetProperty("tool").GetString());
            childId = approval.GetProperty("childThreadId").GetString()!;
            approvalId = approval.GetProperty("approvalId").GetString()!;
            Assert.Equal(childId, Child(waiting, "production").GetProperty("threadId").GetString());
            var child = await GetAsync(first, childId);
            Assert.Equal(("awaiting_human", parentId), (child.GetProperty("status").GetString(), child.GetProperty("parentThreadId").GetString()));
            // The card can show the precondition that held before the approval was asked.
            var check = child.GetProperty("pendingApprovals")[0].GetProperty("checks")[0];
            Assert.Equal(("precondition", true), (check.GetProperty("phase").GetString(), check.GetProperty("passed").GetBoolean()));
        } // the process "crashes" here: the host is gone, only PostgreSQL remains

        await using var second = await BotHost.StartAsync(new Dictionary<string, string?> { ["Agents:DataDir"] = dataDir }, connectionString: connection);
        var stillWaiting = await GetAsync(second, parentId);
        Assert.Equal("awaiting_human", stillWaiting.GetProperty("status").GetString());

        var decide = await second.Client.PostAsJsonAsync($"/api/threads/{childId}/approvals/{approvalId}", new { decision = "approve", user = "web:bob" });
        Assert.Equal(HttpStatusCode.OK, decide.StatusCode);

        var done = await Poll.UntilAsync(() => GetAsync(second, parentId), s => s.GetProperty("status").GetString() is "completed" or "failed",
            what: "the workflow to finish after the approval");
        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal("Released api 1.4.2 to production.", done.GetProperty("summary").GetString());

        var childEvents = await second.Client.GetFromJsonAsync<JsonElement[]>($"/api/threads/{childId}/events");
        var decided = Assert.Single(childEvents!, e => e.GetProperty("type").GetString() == "approval_decided");
        Assert.Equal("web:bob", decided.GetProperty("actor").GetProperty("id").GetString());
        // Full context after the pause: the production deploy used the version its own run_tests reported before the crash.
        var childState = await GetAsync(second, childId);
        Assert.Equal(["run_tests", "deploy_to_staging", "deploy_to_production"],
            childState.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("tool").GetString()));
        var productionCall = Assert.Single(childEvents!, e => e.GetProperty("type").GetString() == "tool_call"
            && e.GetProperty("data").GetProperty("tool").GetString() == "deploy_to_production");
        Assert.True(productionCall.GetProperty("seq").GetInt64() > decided.GetProperty("seq").GetInt64());
        Assert.Equal("1.4.2", productionCall.GetProperty("data").GetProperty("parameters").GetProperty("version").GetString());
        var log = File.ReadAllLines(Path.Combine(dataDir, "releases.log"));
        Assert.Single(log, l => l.Contains("tool=deploy_to_production service=api env=production version=1.4.2"));

        var parentEvents = await second.Client.GetFromJsonAsync<JsonElement[]>($"/api/threads/{parentId}/events");
        Assert.Equal(3, parentEvents!.Count(e => e.GetProperty("type").GetString() == "child_started"));
        Assert.Equal(3, parentEvents!.Count(e => e.GetProperty("type").GetString() == "child_finished"));

        // Measured reliability after the run: every tool of the release succeeded, and the workflow completed once.
        var report = await second.Client.GetFromJsonAsync<JsonElement>("/api/reliability");
        var deploy = Row(report, "tools", "tool", "deploy_to_production");
        Assert.Equal((1, 1, 1.0), (deploy.GetProperty("runs").GetInt32(), deploy.GetProperty("succeeded").GetInt32(), deploy.GetProperty("successRate").GetDouble()));
        var release = Row(report, "agents", "agent", "release");
        Assert.Equal(("workflow", 1, 1.0), (release.GetProperty("kind").GetString(), release.GetProperty("completed").GetInt32(), release.GetProperty("observedCompletion").GetDouble()));
        Assert.Equal(3, release.GetProperty("steps").GetArrayLength());
        var deployAgent = Row(report, "agents", "agent", "deploy");
        Assert.Equal((2, 1.0), (deployAgent.GetProperty("completed").GetInt32(), deployAgent.GetProperty("stepSuccessRate").GetDouble()));
    }

    [Fact]
    public async Task EmailCampaign_RunsItsFourAgents_AndTheReliabilityEndpointMeasuresThem()
    {
        await using var host = await BotHost.StartAsync(postgres: true);
        var id = await LaunchAsync(host, "email-campaign", "spring to customers");

        var done = await Poll.UntilAsync(() => GetAsync(host, id), s => s.GetProperty("status").GetString() is "completed" or "failed",
            TimeSpan.FromSeconds(90), "the campaign to finish");

        Assert.Equal("Campaign spring: audience 5, sent 5, delivered 4, bounced 1.", done.GetProperty("summary").GetString());
        var children = done.GetProperty("children");
        Assert.Equal(["audience", "content", "delivery", "report"], children.EnumerateArray().Select(c => c.GetProperty("stepId").GetString()));
        Assert.All(children.EnumerateArray(), c => Assert.Equal("completed", c.GetProperty("status").GetString()));
        Assert.Equal("spring 5 5 4 1", Child(done, "report").GetProperty("input").GetString());

        var report = await host.Client.GetFromJsonAsync<JsonElement>("/api/reliability");
        var campaign = Row(report, "agents", "agent", "email-campaign");
        Assert.Equal((4, 1.0, 1.0), (campaign.GetProperty("steps").GetArrayLength(), campaign.GetProperty("observedCompletion").GetDouble(), campaign.GetProperty("estimate").GetDouble()));
        var send = Row(report, "tools", "tool", "send_batches");
        Assert.Equal((1, 0), (send.GetProperty("succeeded").GetInt32(), send.GetProperty("verificationFailures").GetInt32()));
    }

    private static JsonElement Row(JsonElement report, string list, string key, string name) =>
        Assert.Single(report.GetProperty(list).EnumerateArray(), r => r.GetProperty(key).GetString() == name);

    private static async Task<string> LaunchAsync(BotHost host, string agent, string input)
    {
        var launch = await host.Client.PostAsJsonAsync("/api/threads", new { agent, input, user = "web:alice" });
        Assert.Equal(HttpStatusCode.Accepted, launch.StatusCode);
        return (await launch.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static async Task<JsonElement> GetAsync(BotHost host, string id) =>
        await host.Client.GetFromJsonAsync<JsonElement>($"/api/threads/{id}");

    /// <summary>The workflow's child started by <paramref name="stepId"/>.</summary>
    private static JsonElement Child(JsonElement workflow, string stepId) =>
        workflow.GetProperty("children").EnumerateArray().Single(c => c.GetProperty("stepId").GetString() == stepId);
}
