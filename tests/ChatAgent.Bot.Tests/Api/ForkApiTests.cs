using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.Core.Storage;
using ChatAgent.TestSupport;

namespace ChatAgent.Bot.Tests.Api;

/// <summary>
/// <c>POST /api/threads/{id}/fork</c> (dry-run replay) over real HTTP on PostgreSQL, with the shipped <c>deploy</c>
/// agent and its real scripts: a dry run never executes a script (<c>releases.log</c> byte for byte), its events show
/// the recorded and the not-run results, and every refusal is a problem naming the field with nothing appended.
/// </summary>
public sealed class ForkApiTests
{
    [Fact]
    public async Task DryRunsOfTheDeployAgent_RunNoScript_AndShowTheRecordedAndTheNotRunResults()
    {
        await using var host = await BotHost.StartAsync(postgres: true);
        var done = await CompletedProductionDeployAsync(host);
        var waiting = await host.LaunchAsync("deploy", "web to production");
        await host.WaitForStatusAsync(waiting, "awaiting_human");
        var log = await File.ReadAllBytesAsync(Path.Combine(host.DataDir, "releases.log"));
        Assert.Equal(5, Encoding.UTF8.GetString(log).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var doneEvents = await EventsAsync(host, done);
        var waitingEvents = await EventsAsync(host, waiting);

        // From right after the input of the completed deploy: every call is answered from the record.
        var forked = await host.Client.PostAsJsonAsync($"/api/threads/{done}/fork", new { at = 2, dryRun = true });
        Assert.Equal(HttpStatusCode.Created, forked.StatusCode);
        var view = await forked.ReadJsonAsync();
        var fork = view.GetProperty("id").GetString()!;
        Assert.Equal($"/api/threads/{fork}", forked.Headers.Location!.OriginalString);
        Assert.Equal($$"""{"threadId":"{{done}}","seq":2,"dryRun":true}""", view.GetProperty("forkedFrom").GetRawText());
        Assert.Equal(("deploy", "api to production", "api", "api:local"),
            (view.GetProperty("agent").GetString(), view.GetProperty("input").GetString(), view.GetProperty("origin").GetProperty("platform").GetString(), view.GetProperty("requestedBy").GetString()));
        var forkDone = await host.WaitForStatusAsync(fork, "completed");
        Assert.Equal("Deployed api 1.4.2 to production.", forkDone.GetProperty("summary").GetString());
        Assert.Equal([
            ("run_tests", """{"passed":true,"tests":42,"version":"1.4.2"}""", "recorded", Seq(doneEvents, "tool_result", "run_tests")),
            ("deploy_to_staging", """{"deployed":true,"env":"staging","service":"api","version":"1.4.2"}""", "recorded", Seq(doneEvents, "tool_result", "deploy_to_staging")),
            ("deploy_to_production", """{"deployed":true,"env":"production","service":"api","version":"1.4.2"}""", "recorded", Seq(doneEvents, "tool_result", "deploy_to_production")),
        ], Results(await EventsAsync(host, fork)));

        // From the open approval of the waiting one: nobody is asked, the deploy is not run.
        var requested = waitingEvents.Single(e => e.GetProperty("type").GetString() == "approval_requested").GetProperty("seq").GetInt64();
        var second = await host.Client.PostAsJsonAsync($"/api/threads/{waiting}/fork", new { at = requested, dryRun = true });
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        var fork2 = (await second.ReadJsonAsync()).GetProperty("id").GetString()!;
        await host.WaitForStatusAsync(fork2, "completed");
        var fork2Events = await EventsAsync(host, fork2);
        Assert.Equal([("deploy_to_production", """{"status":"not run (dry run)"}""", "not_run", 0L)], Results(fork2Events));
        // The copied results (the origin's, as they were, unmarked) and the dry run's own answer.
        Assert.Equal(["run_tests", "deploy_to_staging", "deploy_to_production"],
            fork2Events.Where(e => e.GetProperty("type").GetString() == "tool_result").Select(e => e.GetProperty("data").GetProperty("tool").GetString()));
        Assert.DoesNotContain(fork2Events, e => e.GetProperty("type").GetString() is "message_queued" && e.GetProperty("data").GetProperty("kind").GetString() == "approval");

        // No script ran, and the origins got nothing.
        Assert.Equal(log, await File.ReadAllBytesAsync(Path.Combine(host.DataDir, "releases.log")));
        Assert.Equal(doneEvents.Length, (await EventsAsync(host, done)).Length);
        Assert.Equal(waitingEvents.Length, (await EventsAsync(host, waiting)).Length);
        Assert.Equal("awaiting_human", (await host.StateAsync(waiting)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Refusals_AreProblemsNamingTheField_AndAppendNothing()
    {
        await using var host = await BotHost.StartAsync(postgres: true);
        var id = await host.LaunchAsync("deploy", "api");
        await host.WaitForStatusAsync(id, "completed");
        var events = (await EventsAsync(host, id)).Length;
        var threads = (await host.Get<IEventStore>().ListAsync(new ThreadQuery())).Count;

        async Task Refused(string body, string field, string code, HttpStatusCode status = HttpStatusCode.BadRequest, string? thread = null)
        {
            var response = await host.Client.PostAsync($"/api/threads/{thread ?? id}/fork", new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.True(status == response.StatusCode, $"{body}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            var problem = await response.ReadJsonAsync();
            Assert.Equal(code, problem.GetProperty("code").GetString());
            if (status == HttpStatusCode.BadRequest) Assert.Equal(field, problem.GetProperty("field").GetString());
        }

        await Refused("""{"at":0,"dryRun":true}""", "at", "fork.seq_unknown");
        await Refused($$"""{"at":{{events + 1}},"dryRun":true}""", "at", "fork.seq_unknown");
        await Refused("""{"dryRun":true}""", "at", "fork.malformed");
        await Refused("""{"at":"two","dryRun":true}""", "at", "fork.malformed");
        await Refused("""{"at":2,"dryRun":true""", "body", "fork.malformed");
        await Refused("", "body", "fork.malformed");
        await Refused("[2]", "body", "fork.malformed");
        await Refused("""{"at":2,"dryRun":true,"user":"web:bob"}""", "user", "fork.malformed");
        await Refused("""{"at":2}""", "dryRun", "fork.malformed");
        await Refused("""{"at":2,"dryRun":false}""", "dryRun", "fork.dry_run_only");
        await Refused("""{"at":2,"dryRun":true,"promptVersion":"0123456789abcdef"}""", "promptVersion", "fork.prompt_unknown");
        await Refused("""{"at":2,"dryRun":true,"planner":"openai:gpt-4o"}""", "planner", "fork.planner_unknown");
        await Refused("""{"at":2,"dryRun":true}""", "", "thread.not_found", HttpStatusCode.NotFound, thread: "th_nosuchthread");

        Assert.Equal(events, (await EventsAsync(host, id)).Length);
        Assert.Equal(threads, (await host.Get<IEventStore>().ListAsync(new ThreadQuery())).Count);
    }

    [Fact]
    public async Task WithKeys_AnUnauthenticatedForkIs401_AndAForkIsMadeByTheKey()
    {
        await using var host = await BotHost.StartAsync(new Dictionary<string, string?>
        {
            ["Api:Keys:ci:Key"] = "k-ci-fork", ["Api:Keys:ci:ActAs:0"] = "web:*",
            ["Approvals:Groups:deployers:0"] = "web:dana", ["Approvals:Groups:sre-leads:0"] = "web:sam",
        }, postgres: true);
        var launch = Authorized(new HttpRequestMessage(HttpMethod.Post, "/api/threads") { Content = JsonContent.Create(new { agent = "deploy", input = "api", user = "web:alice" }) }, "k-ci-fork");
        var id = (await (await host.Client.SendAsync(launch)).ReadJsonAsync()).GetProperty("id").GetString()!;
        var before = (await host.Get<IEventStore>().ListAsync(new ThreadQuery())).Count;

        var none = await host.Client.PostAsJsonAsync($"/api/threads/{id}/fork", new { at = 2, dryRun = true });
        var wrong = await host.Client.SendAsync(Authorized(new HttpRequestMessage(HttpMethod.Post, $"/api/threads/{id}/fork") { Content = JsonContent.Create(new { at = 2, dryRun = true }) }, "k-ci-forj"));
        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (none.StatusCode, wrong.StatusCode));
        Assert.Equal(before, (await host.Get<IEventStore>().ListAsync(new ThreadQuery())).Count);

        var right = await host.Client.SendAsync(Authorized(new HttpRequestMessage(HttpMethod.Post, $"/api/threads/{id}/fork") { Content = JsonContent.Create(new { at = 2, dryRun = true }) }, "k-ci-fork"));
        Assert.Equal(HttpStatusCode.Created, right.StatusCode);
        // The key's grants let it name web:alice elsewhere; a fork is still made by the key itself.
        Assert.Equal("api:ci", (await right.ReadJsonAsync()).GetProperty("requestedBy").GetString());
    }

    [Fact]
    public async Task AForeignOriginOrHost_IsRefused_AndForksNothing()
    {
        await using var host = await BotHost.StartAsync(postgres: true);
        var id = await host.LaunchAsync("deploy", "api");
        await host.WaitForStatusAsync(id, "completed");
        var events = (await EventsAsync(host, id)).Length;
        var threads = (await host.Get<IEventStore>().ListAsync(new ThreadQuery())).Count;

        var cross = Security.Appended.Json(HttpMethod.Post, $"/api/threads/{id}/fork", new { at = 2, dryRun = true });
        cross.Headers.Add("Origin", "http://attacker.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Client.SendAsync(cross)).StatusCode);
        var rebound = Security.Appended.Json(HttpMethod.Post, $"/api/threads/{id}/fork", new { at = 2, dryRun = true });
        rebound.Headers.Host = "attacker.example";
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Client.SendAsync(rebound)).StatusCode);

        Assert.Equal(events, (await EventsAsync(host, id)).Length);
        Assert.Equal(threads, (await host.Get<IEventStore>().ListAsync(new ThreadQuery())).Count);
    }

    private static HttpRequestMessage Authorized(HttpRequestMessage request, string key)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return request;
    }

    internal static async Task<string> CompletedProductionDeployAsync(BotHost host)
    {
        var id = await host.LaunchAsync("deploy", "api to production");
        var waiting = await host.WaitForStatusAsync(id, "awaiting_human");
        var approval = waiting.GetProperty("pendingApprovals")[0].GetProperty("id").GetString();
        var decided = await host.Client.PostAsJsonAsync($"/api/threads/{id}/approvals/{approval}", new { decision = "approve", user = "web:bob" });
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        await host.WaitForStatusAsync(id, "completed");
        return id;
    }

    internal static async Task<JsonElement[]> EventsAsync(BotHost host, string id) =>
        (await host.Client.GetFromJsonAsync<JsonElement[]>($"/api/threads/{id}/events"))!;

    private static long Seq(JsonElement[] events, string type, string tool) =>
        events.Single(e => e.GetProperty("type").GetString() == type && e.GetProperty("data").GetProperty("tool").GetString() == tool).GetProperty("seq").GetInt64();

    /// <summary>The fork's own tool results: tool, result (keys sorted: PostgreSQL's jsonb keeps no order), how the dry run answered it, and the origin's seq it reused (0: none).</summary>
    private static List<(string Tool, string Result, string DryRun, long RecordedSeq)> Results(IEnumerable<JsonElement> events) =>
        [.. events.Where(e => e.GetProperty("type").GetString() == "tool_result" && e.GetProperty("data").TryGetProperty("dryRun", out _))
            .Select(e => e.GetProperty("data"))
            .Select(d => (d.GetProperty("tool").GetString()!, ChatAgent.Core.Tools.CanonicalJson.Serialize(d.GetProperty("result")), d.GetProperty("dryRun").GetString()!,
                d.TryGetProperty("recordedSeq", out var s) ? s.GetInt64() : 0L))];
}
