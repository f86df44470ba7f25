using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatAgent.TestSupport;
using ChatAgent.WebChat.Tests.Support;

namespace ChatAgent.WebChat.Tests.WebChat;

/// <summary>The web chat's endpoints over real HTTP on the real host: launch, the live feed, agents, reliability.</summary>
public sealed class WebChatApiTests
{
    [Fact]
    public async Task Launch_FromTheWebChat_IsRequestedByTheWebUser_FromTheirSession()
    {
        await using var host = await BotHost.StartAsync();
        var id = await LaunchAsync(host, "deploy", "api to staging", "alice", "s-test-1");

        var state = await GetJsonAsync(host, $"/api/threads/{id}");
        Assert.Equal("web", state.GetProperty("origin").GetProperty("platform").GetString());
        Assert.Equal("s-test-1", state.GetProperty("origin").GetProperty("conversation").GetString());
        Assert.Equal("web:alice", state.GetProperty("requestedBy").GetString());
        Assert.Equal("staging", state.GetProperty("arguments").GetProperty("env").GetString());
    }

    [Fact]
    public async Task Launch_WithTheAgentNameTyped_UsesThatAgent()
    {
        await using var host = await BotHost.StartAsync();
        var id = await LaunchAsync(host, "", "deploy api to production", "alice", null);

        var state = await GetJsonAsync(host, $"/api/threads/{id}");
        Assert.Equal("deploy", state.GetProperty("agent").GetString());
        Assert.Equal("production", state.GetProperty("arguments").GetProperty("env").GetString());
    }

    [Fact]
    public async Task ALineNamingAnAgent_LaunchesThatAgent_NotTheOnePickedInTheList()
    {
        await using var host = await BotHost.StartAsync();
        var id = await LaunchAsync(host, "campaign-audience", "deploy web to staging", "alice", "s");

        var state = await GetJsonAsync(host, $"/api/threads/{id}");
        Assert.Equal("deploy", state.GetProperty("agent").GetString());
        Assert.Equal("web to staging", state.GetProperty("input").GetString());
    }

    [Fact]
    public async Task HelpListStatusAndRefusals_AnswerInWords_AndStartNothing()
    {
        await using var host = await BotHost.StartAsync();

        var help = await CommandAsync(host, "help");
        Assert.Equal(HttpStatusCode.OK, help.Status);
        Assert.Equal("answer", help.Body.GetProperty("kind").GetString());
        Assert.StartsWith("Say one of:\n• deploy <service> to [env=staging] — ", help.Body.GetProperty("text").GetString());
        var list = await CommandAsync(host, "list");
        Assert.StartsWith("Agents\n• deploy — Test a service, deploy it to staging", list.Body.GetProperty("text").GetString());
        var status = await CommandAsync(host, "status th_nope");
        Assert.Equal("There is no thread th_nope.", status.Body.GetProperty("text").GetString());
        var missing = await CommandAsync(host, "pause");
        Assert.Equal((HttpStatusCode.OK, "refused", "input.usage"), (missing.Status, missing.Body.GetProperty("kind").GetString(), missing.Body.GetProperty("code").GetString()));
        Assert.Equal("Name the thread, e.g. pause th_abc123 (its id is in the thread's status message).", missing.Body.GetProperty("text").GetString());
        var unknownAgent = await host.Client.PostAsJsonAsync("/webchat/commands", new { line = "x", agent = "nosuchagent", user = "alice" });
        var refused = await unknownAgent.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("refused", "agent.unknown"), (refused.GetProperty("kind").GetString(), refused.GetProperty("code").GetString()));
        Assert.StartsWith("There is no agent called 'nosuchagent'. Agents: ", refused.GetProperty("text").GetString());

        Assert.Equal(0, (await GetJsonAsync(host, "/api/threads")).GetArrayLength());
    }

    [Theory]
    [InlineData("", "deploy", "api to production")]
    [InlineData("bob smith", "deploy", "api to production")]
    [InlineData("alice", "deploy", "")]
    [InlineData("alice", "deploy", "   ")]
    public async Task Launch_IsRefusedWith400_AndStartsNothing_WhenNameOrLineIsMissing(string user, string agent, string input)
    {
        await using var host = await BotHost.StartAsync();
        var response = await host.Client.PostAsJsonAsync("/webchat/commands", new { line = input, agent, user, session = "s" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        Assert.Equal(0, (await GetJsonAsync(host, "/api/threads")).GetArrayLength());
    }

    [Fact]
    public async Task Stream_SendsEveryEventOnceInOrder_AndResumesAfterLastEventId()
    {
        await using var host = await BotHost.StartAsync();
        var id = await LaunchAsync(host, "deploy", "api to production", "alice", "s");
        var waiting = await WaitDeliveredAsync(host, id, "awaiting_human");
        var version = waiting.GetProperty("version").GetInt64();

        var all = await ReadFeedUntilStateAsync(host, id, lastEventId: null, version);
        Assert.Equal(Enumerable.Range(1, (int)version).Select(i => (long)i), all.Ids);
        Assert.Equal("awaiting_human", all.State.GetProperty("status").GetString());

        var resumed = await ReadFeedUntilStateAsync(host, id, lastEventId: 10, version);
        Assert.Equal(Enumerable.Range(11, (int)version - 10).Select(i => (long)i), resumed.Ids);
    }

    [Fact]
    public async Task Stream_PushesEventsAppendedAfterTheBrowserConnected()
    {
        await using var host = await BotHost.StartAsync();
        var id = await LaunchAsync(host, "deploy", "api to production", "alice", "s");
        var waiting = await WaitDeliveredAsync(host, id, "awaiting_human");
        var approvalId = waiting.GetProperty("pendingApprovals")[0].GetProperty("id").GetString();

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/webchat/threads/{id}/stream");
        request.Headers.Add("Last-Event-ID", waiting.GetProperty("version").GetInt64().ToString());
        using var response = await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await using var body = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(body);

        var decided = await host.Client.PostAsJsonAsync($"/api/threads/{id}/approvals/{approvalId}", new { decision = "approve", user = "web:bob" });
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        var types = new List<string>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!types.Contains("thread_completed"))
        {
            var line = await reader.ReadLineAsync(deadline.Token) ?? throw new EndOfStreamException();
            if (line.StartsWith("data: {\"seq\"", StringComparison.Ordinal))
                types.Add(JsonDocument.Parse(line["data: ".Length..]).RootElement.GetProperty("type").GetString()!);
        }
        Assert.Equal("approval_decided", types[0]);
        Assert.Contains("tool_result", types);
    }

    [Fact]
    public async Task Stream_IsRefused_ForRequestsFromOtherMachines_WhenNoApiKeyIsSet()
    {
        await using var host = await BotHost.StartAsync();
        var id = await LaunchAsync(host, "deploy", "api to staging", "alice", "s");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/webchat/threads/{id}/stream");
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");

        var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Stream_Answers404_ForAnUnknownThread()
    {
        await using var host = await BotHost.StartAsync();
        var response = await host.Client.GetAsync("/webchat/threads/th_nope/stream");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Agents_ListDeployFirst_SoANewPersonFindsItSelected()
    {
        await using var host = await BotHost.StartAsync();
        var names = (await GetJsonAsync(host, "/api/agents")).EnumerateArray().Select(a => a.GetProperty("name").GetString()).ToList();

        Assert.Equal("deploy", names[0]);
        Assert.Equal(names.Skip(1).Order(StringComparer.Ordinal), names.Skip(1));
    }

    [Fact]
    public async Task Agents_ListsEachAgentWithItsUsageAndPlan()
    {
        await using var host = await BotHost.StartAsync();
        var agents = await GetJsonAsync(host, "/api/agents");

        var deploy = agents.EnumerateArray().Single(a => a.GetProperty("name").GetString() == "deploy");
        Assert.Equal("deploy <service> to [env=staging]", deploy.GetProperty("usage").GetString());
        Assert.Equal(["run_tests", "deploy_to_staging", "deploy_to_production", "done"],
            deploy.GetProperty("plan").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task Reliability_CountsRunsAndSuccesses_AndMultipliesTheAgentsStepRates()
    {
        await using var host = await BotHost.StartAsync(postgres: true);
        var id = await LaunchAsync(host, "deploy", "api to production", "alice", "s");
        var waiting = await PollAsync(() => GetJsonAsync(host, $"/api/threads/{id}"), s => s.GetProperty("status").GetString() == "awaiting_human");
        var approvalId = waiting.GetProperty("pendingApprovals")[0].GetProperty("id").GetString();
        await host.Client.PostAsJsonAsync($"/api/threads/{id}/approvals/{approvalId}", new { decision = "deny", comment = "not now", user = "web:bob" });
        await PollAsync(() => GetJsonAsync(host, $"/api/threads/{id}"), s => s.GetProperty("status").GetString() == "completed");

        var report = await GetJsonAsync(host, "/api/reliability");

        Assert.Equal(1, report.GetProperty("threads").GetInt32());
        Assert.Equal(TimeSpan.FromDays(7), report.GetProperty("to").GetDateTimeOffset() - report.GetProperty("from").GetDateTimeOffset());
        var tools = report.GetProperty("tools").EnumerateArray().ToDictionary(t => t.GetProperty("tool").GetString()!);
        Assert.Equal(1, tools["run_tests"].GetProperty("runs").GetInt32());
        Assert.Equal(1.0, tools["run_tests"].GetProperty("successRate").GetDouble());
        Assert.False(tools.ContainsKey("deploy_to_production"), "a denied call never ran");
        var deploy = report.GetProperty("agents").EnumerateArray().Single(a => a.GetProperty("agent").GetString() == "deploy");
        // run_tests, deploy_to_staging and done measured at 100%; deploy_to_production never ran, counted at 95%.
        Assert.Equal(0.95, deploy.GetProperty("estimate").GetDouble());
        Assert.Equal(0.8145, deploy.GetProperty("chapterEstimate").GetDouble());
        Assert.Equal(1, deploy.GetProperty("unmeasuredSteps").GetInt32());
        Assert.Equal(1, deploy.GetProperty("completed").GetInt32());
        Assert.Equal(1.0, deploy.GetProperty("observedCompletion").GetDouble());

        var outOfRange = await host.Client.GetAsync("/api/reliability?days=0");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, outOfRange.StatusCode);
        Assert.Equal("days.out_of_range", (await outOfRange.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    /// <summary>
    /// The thread in <paramref name="status"/> with every queued message posted (a <c>message_posted</c> after each
    /// <c>message_queued</c> of its key), so no event is appended any more until someone acts.
    /// </summary>
    private static async Task<JsonElement> WaitDeliveredAsync(BotHost host, string id, string status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Thread {id} did not settle in {status} with its messages posted.");
            var state = await PollAsync(() => GetJsonAsync(host, $"/api/threads/{id}"), s => s.GetProperty("status").GetString() == status);
            var events = await GetJsonAsync(host, $"/api/threads/{id}/events");
            var pending = new HashSet<string>();
            foreach (var e in events.EnumerateArray())
            {
                var key = e.GetProperty("data").TryGetProperty("messageKey", out var k) ? k.GetString()! : null;
                if (e.GetProperty("type").GetString() == "message_queued") pending.Add(key!);
                if (e.GetProperty("type").GetString() == "message_posted") pending.Remove(key!);
            }
            // The view read before the events: delivered then means nothing was appended after the version it names.
            if (pending.Count == 0 && events.GetArrayLength() == state.GetProperty("version").GetInt64()) return state;
            await Task.Delay(50);
        }
    }

    private static async Task<(List<long> Ids, JsonElement State)> ReadFeedUntilStateAsync(BotHost host, string id, long? lastEventId, long version)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/webchat/threads/{id}/stream");
        if (lastEventId is { } last) request.Headers.Add("Last-Event-ID", last.ToString());
        using var response = await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(body);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ids = new List<long>();
        var sawState = false;
        while (true)
        {
            var line = await reader.ReadLineAsync(deadline.Token) ?? throw new EndOfStreamException();
            if (line.StartsWith("id: ", StringComparison.Ordinal)) ids.Add(long.Parse(line[4..]));
            else if (line == "event: state") sawState = true;
            else if (sawState && line.StartsWith("data: ", StringComparison.Ordinal))
            {
                var state = JsonDocument.Parse(line[6..]).RootElement.Clone();
                if (state.GetProperty("version").GetInt64() >= version) return (ids, state);
                sawState = false;
            }
        }
    }

    private static async Task<string> LaunchAsync(BotHost host, string agent, string input, string user, string? session)
    {
        // The agent picked in the list is the default for a line that names none.
        var response = await host.Client.PostAsJsonAsync("/webchat/commands", new { line = input, agent, user, session });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var reply = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("launched", reply.GetProperty("kind").GetString());
        var id = reply.GetProperty("threadId").GetString()!;
        Assert.Equal($"/api/threads/{id}", response.Headers.Location?.OriginalString);
        return id;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> CommandAsync(BotHost host, string line)
    {
        var response = await host.Client.PostAsJsonAsync("/webchat/commands", new { line, user = "alice", session = "s" });
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private static async Task<JsonElement> GetJsonAsync(BotHost host, string path) =>
        await host.Client.GetFromJsonAsync<JsonElement>(path);

    private static Task<JsonElement> PollAsync(Func<Task<JsonElement>> read, Func<JsonElement, bool> done) =>
        Poll.UntilAsync(read, done, TimeSpan.FromSeconds(60), "the thread");
}
