using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ChatAgent.Bot.Tests.Api;

/// <summary>Every route of <c>/api/threads</c> over real HTTP, on the in-memory store (PostgreSQL: ThreadsApiSmokeTests).</summary>
public sealed class ThreadsApiTests
{
    [Fact]
    public async Task Launch_Answers202WithLocation_AndTheSameIdempotencyKeyReturnsTheSameThread()
    {
        await using var host = await BotHost.StartAsync();
        var first = await host.Client.PostAsJsonAsync("/api/threads", new { agent = "deploy", input = "api", user = "web:alice", idempotencyKey = "release-42" });
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var id = (await first.ReadJsonAsync()).GetProperty("id").GetString()!;
        Assert.Equal($"/api/threads/{id}", first.Headers.Location!.OriginalString);

        var again = new HttpRequestMessage(HttpMethod.Post, "/api/threads") { Content = JsonContent.Create(new { agent = "deploy", input = "api", user = "web:alice" }) };
        again.Headers.Add("Idempotency-Key", "release-42");
        var repeat = await host.Client.SendAsync(again);
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.Equal(id, (await repeat.ReadJsonAsync()).GetProperty("id").GetString());
        Assert.Equal($"/api/threads/{id}", repeat.Headers.Location!.OriginalString);
        Assert.Single(await host.Get<IEventStore>().ListAsync(new ThreadQuery()));
    }

    [Fact]
    public async Task List_FiltersByStatusAndAgent_NewestFirst()
    {
        await using var host = await BotHost.StartAsync();
        var staging = await host.LaunchAsync("deploy", "api");
        await host.WaitForStatusAsync(staging, "completed");
        var production = await host.LaunchAsync("deploy", "web to production");
        await host.WaitForStatusAsync(production, "awaiting_human");
        var incident = await host.LaunchAsync("incident", "checkout is slow");
        await host.WaitForStatusAsync(incident, "awaiting_human");

        var deploys = await ListAsync(host, "?agent=deploy");
        Assert.Equal([production, staging], deploys.Select(t => t.GetProperty("id").GetString()));
        var waiting = await ListAsync(host, "?status=awaiting_human");
        Assert.Equal([incident, production], waiting.Select(t => t.GetProperty("id").GetString()));
        var both = await ListAsync(host, "?status=awaiting_human&agent=incident");
        Assert.Equal([incident], both.Select(t => t.GetProperty("id").GetString()));
        var all = await ListAsync(host, "");
        var updated = all.Select(t => t.GetProperty("updatedAt").GetDateTimeOffset()).ToList();
        Assert.Equal(updated.OrderByDescending(u => u), updated);

        var bad = await host.Client.GetAsync("/api/threads?status=sleeping");
        await AssertProblemAsync(bad, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task EventsAfterSeq_AndStateAtSeq_ShowTheThreadAsItWasThen()
    {
        await using var host = await BotHost.StartAsync();
        var id = await host.LaunchAsync("deploy", "api to production");
        var waiting = await host.WaitForStatusAsync(id, "awaiting_human");
        var version = waiting.GetProperty("version").GetInt64();
        var approvalId = waiting.GetProperty("pendingApprovals")[0].GetProperty("id").GetString();
        var decided = await host.Client.PostAsJsonAsync($"/api/threads/{id}/approvals/{approvalId}", new { decision = "approve", user = "web:bob" });
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        await host.WaitForStatusAsync(id, "completed");

        var then = await host.Client.GetFromJsonAsync<JsonElement>($"/api/threads/{id}/state?at={version}");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(waiting.GetRawText()), JsonNode.Parse(then.GetRawText())), $"state at {version} differs:\n{waiting}\n{then}");

        var all = await host.Client.GetFromJsonAsync<JsonElement[]>($"/api/threads/{id}/events");
        Assert.Equal(Enumerable.Range(1, all!.Length).Select(i => (long)i), all.Select(e => e.GetProperty("seq").GetInt64()));
        Assert.Equal("thread_started", all[0].GetProperty("type").GetString());
        var after = (await host.Client.GetFromJsonAsync<JsonElement[]>($"/api/threads/{id}/events?after={version}"))!;
        Assert.Equal(all.Skip((int)version).Select(e => e.GetProperty("seq").GetInt64()), after.Select(e => e.GetProperty("seq").GetInt64()));
        Assert.Equal("approval_decided", after[0].GetProperty("type").GetString());
        Assert.Equal("web:bob", after[0].GetProperty("actor").GetProperty("id").GetString());

        var first = await host.Client.GetFromJsonAsync<JsonElement>($"/api/threads/{id}/state?at=1");
        Assert.Equal(1, first.GetProperty("version").GetInt64());
        await AssertProblemAsync(await host.Client.GetAsync($"/api/threads/{id}/state?at=0"), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await host.Client.GetAsync($"/api/threads/{id}/state?at={all.Length + 1}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task PauseThenResumeWithFeedback_RecordsWhoAndTheFeedback()
    {
        await using var host = await BotHost.StartAsync();
        var id = await host.LaunchAsync("deploy", "api to production");
        await host.WaitForStatusAsync(id, "awaiting_human");

        var paused = await host.Client.PostAsJsonAsync($"/api/threads/{id}/pause", new { user = "web:carol" });
        Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
        Assert.Equal("paused", (await paused.ReadJsonAsync()).GetProperty("status").GetString());
        await AssertProblemAsync(await host.Client.PostAsJsonAsync($"/api/threads/{id}/pause", new { user = "web:carol" }), HttpStatusCode.Conflict, "thread.already_paused");

        var resumed = await host.Client.PostAsJsonAsync($"/api/threads/{id}/resume", new { feedback = "use version 1.4.2 only", user = "web:carol" });
        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        Assert.NotEqual("paused", (await resumed.ReadJsonAsync()).GetProperty("status").GetString());
        var events = await host.Client.GetFromJsonAsync<JsonElement[]>($"/api/threads/{id}/events");
        var resume = Assert.Single(events!, e => e.GetProperty("type").GetString() == "thread_resumed");
        Assert.Equal("use version 1.4.2 only", resume.GetProperty("data").GetProperty("feedback").GetString());
        Assert.Equal("web:carol", resume.GetProperty("actor").GetProperty("id").GetString());
        await AssertProblemAsync(await host.Client.PostAsJsonAsync($"/api/threads/{id}/resume", new { }), HttpStatusCode.Conflict, "thread.not_paused");
    }

    [Fact]
    public async Task Answer_CompletesTheIncident_AndASecondAnswerIsRefused()
    {
        await using var host = await BotHost.StartAsync();
        var id = await host.LaunchAsync("incident", "checkout is slow");
        await host.WaitForStatusAsync(id, "awaiting_human");
        await AssertProblemAsync(await host.Client.PostAsJsonAsync($"/api/threads/{id}/answer", new { user = "web:alice" }), HttpStatusCode.BadRequest);

        var answered = await host.Client.PostAsJsonAsync($"/api/threads/{id}/answer", new { text = "EU customers cannot pay", user = "web:alice" });
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        var done = await host.WaitForStatusAsync(id, "completed");
        Assert.Contains("Opened incident", done.GetProperty("summary").GetString());
        await AssertProblemAsync(await host.Client.PostAsJsonAsync($"/api/threads/{id}/answer", new { text = "again" }), HttpStatusCode.Conflict, "question.not_pending");
    }

    [Fact]
    public async Task Abort_EndsTheThread_AndASecondAbortIsRefused()
    {
        await using var host = await BotHost.StartAsync();
        var id = await host.LaunchAsync("deploy", "api to production");
        await host.WaitForStatusAsync(id, "awaiting_human");
        var aborted = await host.Client.PostAsJsonAsync($"/api/threads/{id}/abort", new { user = "web:alice", reason = "wrong service" });
        Assert.Equal(HttpStatusCode.OK, aborted.StatusCode);
        Assert.Equal("failed", (await aborted.ReadJsonAsync()).GetProperty("status").GetString());
        await AssertProblemAsync(await host.Client.PostAsync($"/api/threads/{id}/abort", null), HttpStatusCode.Conflict, "thread.ended");
    }

    [Fact]
    public async Task Decide_RefusesSelfApproval403_UnknownApproval404_BadDecision400_AndASecondDecision409()
    {
        await using var host = await BotHost.StartAsync();
        var id = await host.LaunchAsync("deploy", "api to production", user: "web:alice");
        var waiting = await host.WaitForStatusAsync(id, "awaiting_human");
        var approvalId = waiting.GetProperty("pendingApprovals")[0].GetProperty("id").GetString();
        var store = host.Get<IEventStore>();
        var before = (await store.ReadAsync(id)).Count;

        await AssertProblemAsync(await host.Client.PostAsJsonAsync($"/api/threads/{id}/approvals/{approvalId}", new { decision = "approve", user = "web:alice" }), HttpStatusCode.Forbidden, "approval.self");
        await AssertProblemAsync(await host.Client.PostAsJsonAsync($"/api/threads/{id}/approvals/ap_nope", new { decision = "approve", user = "web:bob" }), HttpStatusCode.NotFound, "approval.not_found");
        await AssertProblemAsync(await host.Client.PostAsJsonAsync($"/api/threads/{id}/approvals/{approvalId}", new { decision = "maybe", user = "web:bob" }), HttpStatusCode.BadRequest);
        Assert.Equal(before, (await store.ReadAsync(id)).Count);

        var denied = await host.Client.PostAsJsonAsync($"/api/threads/{id}/approvals/{approvalId}", new { decision = "deny", comment = "not on a Friday", user = "web:bob" });
        Assert.Equal(HttpStatusCode.OK, denied.StatusCode);
        var second = await host.Client.PostAsJsonAsync($"/api/threads/{id}/approvals/{approvalId}", new { decision = "approve", user = "web:dave" });
        var problem = await AssertProblemAsync(second, HttpStatusCode.Conflict, "approval.not_pending");
        Assert.Contains("not on a Friday", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Decide_BySomeoneOutsideTheApproverGroup_Is403_AndAMemberMayApprove()
    {
        await using var host = await BotHost.StartAsync(new Dictionary<string, string?> { ["Approvals:Groups:deployers:0"] = "web:dana" });
        var id = await host.LaunchAsync("deploy", "api to production", user: "web:alice");
        var waiting = await host.WaitForStatusAsync(id, "awaiting_human");
        var approvalId = waiting.GetProperty("pendingApprovals")[0].GetProperty("id").GetString();

        await AssertProblemAsync(await host.Client.PostAsJsonAsync($"/api/threads/{id}/approvals/{approvalId}", new { decision = "approve", user = "web:bob" }), HttpStatusCode.Forbidden, "approval.not_allowed");
        var approved = await host.Client.PostAsJsonAsync($"/api/threads/{id}/approvals/{approvalId}", new { decision = "approve", user = "web:dana" });
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        await host.WaitForStatusAsync(id, "completed");
    }

    [Fact]
    public async Task Decide_AfterExpiry_Answers409Expired_AndRunsNothing()
    {
        var clock = new ManualClock();
        await using var host = await BotHost.StartAsync(services: s => s.AddSingleton<TimeProvider>(clock));
        var id = await host.LaunchAsync("deploy", "api to production");
        var waiting = await host.WaitForStatusAsync(id, "awaiting_human");
        var approvalId = waiting.GetProperty("pendingApprovals")[0].GetProperty("id").GetString();

        clock.Advance(TimeSpan.FromHours(2));
        var late = await host.Client.PostAsJsonAsync($"/api/threads/{id}/approvals/{approvalId}", new { decision = "approve", user = "web:bob" });
        await AssertProblemAsync(late, HttpStatusCode.Conflict, "approval.expired");
        var events = await host.Client.GetFromJsonAsync<JsonElement[]>($"/api/threads/{id}/events");
        Assert.DoesNotContain(events!, e => e.GetProperty("type").GetString() == "approval_decided");
        Assert.False(File.Exists(Path.Combine(host.DataDir, "releases.log")) && File.ReadAllText(Path.Combine(host.DataDir, "releases.log")).Contains("tool=deploy_to_production"));
    }

    [Fact]
    public async Task UnknownThread_Is404ProblemOnEveryRoute()
    {
        await using var host = await BotHost.StartAsync();
        foreach (var path in new[] { "/api/threads/th_nope", "/api/threads/th_nope/events", "/api/threads/th_nope/state?at=1" })
            await AssertProblemAsync(await host.Client.GetAsync(path), HttpStatusCode.NotFound);
        foreach (var (path, body) in new (string, object)[]
                 {
                     ("/api/threads/th_nope/pause", new { }), ("/api/threads/th_nope/resume", new { }), ("/api/threads/th_nope/abort", new { }),
                     ("/api/threads/th_nope/answer", new { text = "x" }), ("/api/threads/th_nope/approvals/ap_1", new { decision = "approve" }),
                 })
            await AssertProblemAsync(await host.Client.PostAsJsonAsync(path, body), HttpStatusCode.NotFound, "thread.not_found");
    }

    [Fact]
    public async Task MalformedOrIncompleteLaunch_Is400Problem_AndAppendsNothing()
    {
        await using var host = await BotHost.StartAsync();
        await AssertProblemAsync(await host.Client.PostAsync("/api/threads", new StringContent("{\"agent\": ", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await host.Client.PostAsync("/api/threads", new StringContent("", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await host.Client.PostAsJsonAsync("/api/threads", new { input = "api" }), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await host.Client.PostAsJsonAsync("/api/threads", new { agent = "nope", input = "api" }), HttpStatusCode.BadRequest, "agent.unknown");
        await AssertProblemAsync(await host.Client.PostAsJsonAsync("/api/threads", new { agent = "deploy", input = "" }), HttpStatusCode.BadRequest, "input.usage");
        Assert.Empty(await host.Get<IEventStore>().ListAsync(new ThreadQuery()));
    }

    [Fact]
    public async Task OpenApiDocument_ListsEveryRoute()
    {
        await using var host = await BotHost.StartAsync();
        var document = await host.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths");
        Assert.True(paths.GetProperty("/api/threads").TryGetProperty("post", out _));
        Assert.True(paths.GetProperty("/api/threads").TryGetProperty("get", out _));
        foreach (var path in new[] { "/api/threads/{id}", "/api/threads/{id}/events", "/api/threads/{id}/state" })
            Assert.True(paths.GetProperty(path).TryGetProperty("get", out _), path);
        foreach (var path in new[] { "/api/threads/{id}/pause", "/api/threads/{id}/resume", "/api/threads/{id}/abort", "/api/threads/{id}/answer", "/api/threads/{id}/approvals/{approvalId}", "/webhooks/{name}" })
            Assert.True(paths.GetProperty(path).TryGetProperty("post", out _), path);
    }

    internal static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? code = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        if (code is not null) Assert.Equal(code, problem.GetProperty("code").GetString());
        return problem;
    }

    private static async Task<JsonElement[]> ListAsync(BotHost host, string query) =>
        (await host.Client.GetFromJsonAsync<JsonElement[]>("/api/threads" + query))!;
}
