using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.TestSupport;

namespace ChatAgent.Bot.Tests.Approvals;

/// <summary>
/// Edit, then approve over REST on PostgreSQL with the shipped <c>deploy</c> agent and its real scripts: the approved
/// call is the edited one (its own hash; the script deploys what the approver chose), the edit is an
/// <c>approval_amended</c> event naming who and why, the requester is told, and an edit
/// outside the schema, by the requester or with a denial is refused with nothing appended.
/// </summary>
public sealed class EditThenApproveApiTests
{
    private static readonly Dictionary<string, string?> Deployers = new() { ["Approvals:Groups:deployers:0"] = "web:dana" };

    [Fact]
    public async Task AnEditedApproval_RunsTheEditedCall_RecordsTheDiff_AndTellsTheRequesterAndTheModel()
    {
        await using var host = await BotHost.StartAsync(Deployers, postgres: true);
        // web reaches staging first, so an edit to service=web passes the production deploy's precondition.
        var web = await host.LaunchAsync("deploy", "web to production");
        await host.WaitForStatusAsync(web, "awaiting_human");
        var api = await host.LaunchAsync("deploy", "api to production");
        var waiting = await host.WaitForStatusAsync(api, "awaiting_human");
        var approval = waiting.GetProperty("pendingApprovals")[0];
        Assert.Equal("""{"service":"api","version":"1.4.2"}""", approval.GetProperty("parameters").GetRawText());
        Assert.True(approval.GetProperty("editable").GetBoolean());

        var decided = await host.Client.PostAsJsonAsync($"/api/threads/{api}/approvals/{approval.GetProperty("id").GetString()}",
            new { decision = "approve", user = "web:dana", comment = "api is frozen; ship web", parameters = new { service = "web", version = "1.4.2" } });
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        var done = await host.WaitForStatusAsync(api, "completed");

        // The script ran the edited call, and only it.
        var log = await File.ReadAllLinesAsync(Path.Combine(host.DataDir, "releases.log"));
        Assert.Single(log, l => l.Contains(" tool=deploy_to_production service=web env=production version=1.4.2 "));
        Assert.DoesNotContain(log, l => l.Contains("tool=deploy_to_production service=api"));

        var events = (await host.Client.GetFromJsonAsync<JsonElement[]>($"/api/threads/{api}/events"))!;
        var amended = events.Single(e => e.GetProperty("type").GetString() == "approval_amended");
        Assert.Equal("web:dana", amended.GetProperty("actor").GetProperty("id").GetString());
        var data = amended.GetProperty("data");
        Assert.Equal("""[{"name":"service","from":"api","to":"web"}]""", data.GetProperty("changes").GetRawText());
        Assert.Equal("api is frozen; ship web", data.GetProperty("reason").GetString());
        var hash = data.GetProperty("parametersHash").GetString();
        // sha256 of "deploy_to_production\n" + {"service":"web","version":"1.4.2"}, worked out outside the code under test.
        Assert.Equal("d95fb0293036ee9986b64ce29d3fd3ef4e8413f40128dbd735b103f50b65618d", hash);
        var decision = events.Single(e => e.GetProperty("type").GetString() == "approval_decided").GetProperty("data");
        Assert.Equal(hash, decision.GetProperty("parametersHash").GetString());
        var called = events.Single(e => e.GetProperty("type").GetString() == "tool_call" && e.GetProperty("data").GetProperty("tool").GetString() == "deploy_to_production").GetProperty("data");
        Assert.Equal(("""{"service":"web","version":"1.4.2"}""", hash), (called.GetProperty("parameters").GetRawText(), called.GetProperty("parametersHash").GetString()));

        // The requester is told, and the settled approval shows the change.
        var told = events.Single(e => e.GetProperty("type").GetString() == "message_queued" && e.GetProperty("data").GetProperty("kind").GetString() == "amended");
        Assert.Contains("changed deploy_to_production before approving it", told.GetProperty("data").GetProperty("text").GetString());
        Assert.Contains("service: \"api\" → \"web\"", told.GetProperty("data").GetProperty("text").GetString());
        var settled = done.GetProperty("settledApprovals")[0];
        Assert.Equal("granted", settled.GetProperty("outcome").GetString());
        Assert.Equal("web:dana", settled.GetProperty("amendments")[0].GetProperty("by").GetString());
    }

    [Fact]
    public async Task AnEditThatFailsThePrecondition_IsNotRun_AndTheThreadSaysWhy()
    {
        await using var host = await BotHost.StartAsync(Deployers, postgres: true);
        var id = await host.LaunchAsync("deploy", "api to production");
        var waiting = await host.WaitForStatusAsync(id, "awaiting_human");
        var approvalId = waiting.GetProperty("pendingApprovals")[0].GetProperty("id").GetString();

        // Staging never ran 9.9.9: the check the agent's call passed before asking does not hold for the edit.
        var decided = await host.Client.PostAsJsonAsync($"/api/threads/{id}/approvals/{approvalId}",
            new { decision = "approve", user = "web:dana", parameters = new { service = "api", version = "9.9.9" } });
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        var events = await Poll.UntilAsync(async () => (await host.Client.GetFromJsonAsync<JsonElement[]>($"/api/threads/{id}/events"))!,
            es => es.Any(e => e.GetProperty("type").GetString() == "error" && e.GetProperty("data").GetProperty("source").GetString() == "precondition"),
            what: "the edited call's precondition to fail");
        var error = events.First(e => e.GetProperty("type").GetString() == "error" && e.GetProperty("data").GetProperty("source").GetString() == "precondition");
        Assert.StartsWith("Precondition of deploy_to_production failed for the call as edited by its approver (staging runs this version)",
            error.GetProperty("data").GetProperty("message").GetString());
        Assert.DoesNotContain(events, e => e.GetProperty("type").GetString() == "tool_call" && e.GetProperty("data").GetProperty("tool").GetString() == "deploy_to_production");
        Assert.DoesNotContain(await File.ReadAllLinesAsync(Path.Combine(host.DataDir, "releases.log")), l => l.Contains("tool=deploy_to_production"));
    }

    [Fact]
    public async Task Refusals_NameTheProblem_AndAppendNothing()
    {
        await using var host = await BotHost.StartAsync(Deployers, postgres: true);
        var id = await host.LaunchAsync("deploy", "api to production");
        var waiting = await host.WaitForStatusAsync(id, "awaiting_human");
        var approvalId = waiting.GetProperty("pendingApprovals")[0].GetProperty("id").GetString();
        var before = (await host.Client.GetFromJsonAsync<JsonElement[]>($"/api/threads/{id}/events"))!.Length;

        async Task<string> Refused(string body, HttpStatusCode status, string? code)
        {
            var response = await host.Client.PostAsync($"/api/threads/{id}/approvals/{approvalId}", new StringContent(body, Encoding.UTF8, "application/json"));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(status == response.StatusCode, $"{body}: {response.StatusCode} {text}");
            var problem = JsonDocument.Parse(text).RootElement;
            if (code is not null) Assert.Equal(code, problem.GetProperty("code").GetString());
            return problem.GetProperty("detail").GetString()!;
        }

        Assert.Contains("'version' must match the pattern", await Refused(
            """{"decision":"approve","user":"web:dana","parameters":{"service":"api","version":"latest"}}""", HttpStatusCode.BadRequest, "approval.invalid_parameters"));
        Assert.Contains("unknown parameter 'force'", await Refused(
            """{"decision":"approve","user":"web:dana","parameters":{"service":"api","version":"1.4.2","force":true}}""", HttpStatusCode.BadRequest, "approval.invalid_parameters"));
        Assert.Contains("missing required parameter 'version'", await Refused(
            """{"decision":"approve","user":"web:dana","parameters":{"service":"api"}}""", HttpStatusCode.BadRequest, "approval.invalid_parameters"));
        Assert.Contains("must be a JSON object", await Refused(
            """{"decision":"approve","user":"web:dana","parameters":"api 1.5.0"}""", HttpStatusCode.BadRequest, "approval.invalid_parameters"));
        Assert.Contains("only be changed when approving", await Refused(
            """{"decision":"deny","user":"web:dana","parameters":{"service":"api","version":"1.4.3"}}""", HttpStatusCode.BadRequest, null));
        // The requester may not approve their own deploy, edited or not; nor may someone outside the deployers.
        await Refused("""{"decision":"approve","user":"web:alice","parameters":{"service":"api","version":"1.4.3"}}""", HttpStatusCode.Forbidden, "approval.self");
        await Refused("""{"decision":"approve","user":"web:mallory","parameters":{"service":"api","version":"1.4.3"}}""", HttpStatusCode.Forbidden, "approval.not_allowed");

        var after = await host.Client.GetFromJsonAsync<JsonElement[]>($"/api/threads/{id}/events");
        Assert.Equal(before, after!.Length);
        Assert.Equal("awaiting_human", (await host.StateAsync(id)).GetProperty("status").GetString());
    }
}
