using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.TestSupport;

namespace ChatAgent.Bot.Tests.Api;

/// <summary>
/// <c>GET /api/threads/{id}</c> is the documented view and nothing else: the fields of docs/API.md's tables are read from
/// the document itself, every one is read from threads in the states that fill it (waiting, voted, completed, asking,
/// paused, aborted, a workflow and its child), and no other field appears, in the view, in the list, in the live feed
/// or in the OpenAPI document's schemas.
/// </summary>
public sealed class ThreadViewTests
{
    private static readonly IReadOnlySet<string> ViewFields = Documented("### The thread view");
    private static readonly IReadOnlySet<string> ListFields = Documented("### List items");

    [Fact]
    public async Task TheView_HasExactlyTheDocumentedFields_AndEachReadsAsDocumented()
    {
        using var agents = SampleAgents.WithToolsLine("      quorum: 1\n", "      quorum: 2\n");
        await using var host = await BotHost.StartAsync(new Dictionary<string, string?> { ["Agents:Path"] = agents.Path, ["Workflows:Path"] = RepositoryPaths.Workflows });
        var seen = new List<JsonElement>();
        async Task<JsonElement> ViewAsync(string id, Func<JsonElement, bool> until, string what)
        {
            var view = await Poll.UntilAsync(() => host.StateAsync(id), until, TimeSpan.FromSeconds(60), what);
            OnlyDocumented(view);
            seen.Add(view);
            return view;
        }
        static string? Str(JsonElement e, string name) => e.GetProperty(name).GetString();

        // A deploy waiting for its production approval.
        var deploy = await host.LaunchAsync("deploy", "api to production", "web:alice");
        var waiting = await ViewAsync(deploy, v => Str(v, "status") == "awaiting_human", "the approval request");
        Assert.Equal((deploy, "deploy", "api to production"), (Str(waiting, "id"), Str(waiting, "agent"), Str(waiting, "input")));
        Assert.Equal("""{"env":"production","service":"api"}""", waiting.GetProperty("arguments").GetRawText());
        Assert.Equal(("api", JsonValueKind.Null), (Str(waiting.GetProperty("origin"), "platform"), waiting.GetProperty("origin").GetProperty("conversation").ValueKind));
        Assert.Equal(("web:alice", JsonValueKind.Null), (Str(waiting, "requestedBy"), waiting.GetProperty("parentThreadId").ValueKind));
        Assert.Equal((3, 8), (waiting.GetProperty("step").GetInt32(), waiting.GetProperty("maxSteps").GetInt32()));
        var events = await host.Client.GetFromJsonAsync<JsonElement[]>($"/api/threads/{deploy}/events");
        Assert.Equal(events!.Length, waiting.GetProperty("version").GetInt64());
        Assert.True(waiting.GetProperty("startedAt").GetDateTimeOffset() <= waiting.GetProperty("updatedAt").GetDateTimeOffset());
        Assert.StartsWith("deploy · step 2/8 · waiting for approval", Str(waiting, "statusLine"));
        var approval = Assert.Single(waiting.GetProperty("pendingApprovals").EnumerateArray());
        Assert.StartsWith("ap", Str(approval, "id"));
        Assert.Equal("deploy_to_production", Str(approval, "tool"));
        Assert.Equal("""{"service":"api","version":"1.4.2"}""", approval.GetProperty("parameters").GetRawText());
        Assert.Equal("Production was asked for; a deployer approves it.", Str(approval, "reason"));
        Assert.Equal("web:alice", Str(approval, "requestedBy"));
        // The policy's 1 h; the expiry is computed a moment before the event's own time is taken.
        Assert.InRange(approval.GetProperty("expiresAt").GetDateTimeOffset() - approval.GetProperty("requestedAt").GetDateTimeOffset(), TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));
        Assert.Equal(["group:deployers"], approval.GetProperty("approvers").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(2, approval.GetProperty("quorum").GetInt32());
        Assert.Empty(approval.GetProperty("votes").EnumerateArray());
        Assert.Empty(approval.GetProperty("escalatedTo").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, approval.GetProperty("allowFor").ValueKind); // the shipped deploy_to_production has no grants
        var precondition = Assert.Single(approval.GetProperty("checks").EnumerateArray());
        Assert.Equal((Str(approval, "toolCallId"), "deploy_to_production", "precondition", "staging runs this version", true, JsonValueKind.Null),
            (Str(precondition, "toolCallId"), Str(precondition, "tool"), Str(precondition, "phase"), Str(precondition, "check"), precondition.GetProperty("passed").GetBoolean(), precondition.GetProperty("message").ValueKind));
        Assert.True(precondition.GetProperty("at").GetDateTimeOffset() <= approval.GetProperty("requestedAt").GetDateTimeOffset());
        Assert.Equal([("deploy_to_staging", "verify", "staging answers with the deployed version"), ("deploy_to_production", "precondition", "staging runs this version")],
            waiting.GetProperty("checks").EnumerateArray().Select(c => (Str(c, "tool"), Str(c, "phase"), Str(c, "check"))));
        Assert.Equal(precondition.GetRawText(), waiting.GetProperty("checks")[1].GetRawText());
        Assert.Equal(["run_tests", "deploy_to_staging"], waiting.GetProperty("results").EnumerateArray().Select(r => Str(r, "tool")));
        Assert.Equal("1.4.2", waiting.GetProperty("results")[0].GetProperty("result").GetProperty("version").GetString());
        Assert.StartsWith("tc", Str(waiting.GetProperty("results")[0], "toolCallId"));
        Assert.Empty(waiting.GetProperty("settledApprovals").EnumerateArray());
        Assert.Empty(waiting.GetProperty("children").EnumerateArray());
        Assert.Empty(waiting.GetProperty("childApprovals").EnumerateArray());
        foreach (var none in new[] { "pendingQuestion", "pausedReason", "pausedDetail", "summary", "result", "failureReason" })
            Assert.Equal(JsonValueKind.Null, waiting.GetProperty(none).ValueKind);
        Assert.False(waiting.GetProperty("escalated").GetBoolean());

        // One of the two votes it needs: still pending, with bob's vote.
        var approvalId = Str(approval, "id")!;
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsJsonAsync($"/api/threads/{deploy}/approvals/{approvalId}", new { decision = "approve", comment = "ship it", user = "web:bob" })).StatusCode);
        var voted = await ViewAsync(deploy, v => v.GetProperty("pendingApprovals")[0].GetProperty("votes").GetArrayLength() == 1, "bob's vote");
        var vote = voted.GetProperty("pendingApprovals")[0].GetProperty("votes")[0];
        Assert.Equal(("web:bob", "bob", true, "ship it"), (Str(vote, "by"), Str(vote, "byName"), vote.GetProperty("granted").GetBoolean(), Str(vote, "comment")));
        Assert.Equal(JsonValueKind.Null, vote.GetProperty("grant").ValueKind); // bob clicked
        Assert.True(vote.GetProperty("at").GetDateTimeOffset() >= approval.GetProperty("requestedAt").GetDateTimeOffset());

        // The second vote: it runs, is verified and completes.
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsJsonAsync($"/api/threads/{deploy}/approvals/{approvalId}", new { decision = "approve", user = "web:carol" })).StatusCode);
        var done = await ViewAsync(deploy, v => Str(v, "status") == "completed", "the deploy to complete");
        var settled = Assert.Single(done.GetProperty("settledApprovals").EnumerateArray());
        Assert.Equal((approvalId, Str(approval, "toolCallId"), "deploy_to_production", "granted"), (Str(settled, "id"), Str(settled, "toolCallId"), Str(settled, "tool"), Str(settled, "outcome")));
        Assert.Equal(["web:bob", "web:carol"], settled.GetProperty("votes").EnumerateArray().Select(v => Str(v, "by")));
        Assert.Equal(JsonValueKind.Null, settled.GetProperty("votes")[1].GetProperty("comment").ValueKind);
        Assert.True(settled.GetProperty("at").GetDateTimeOffset() >= vote.GetProperty("at").GetDateTimeOffset());
        Assert.Equal("Deployed api 1.4.2 to production.", Str(done, "summary"));
        Assert.Equal("Deployed api 1.4.2 to production.", done.GetProperty("result").GetProperty("summary").GetString());
        Assert.Equal("""{"service":"api","version":"1.4.2","env":"production"}""", done.GetProperty("result").GetProperty("result").GetRawText());
        Assert.Contains(done.GetProperty("checks").EnumerateArray(), c => Str(c, "phase") == "verify" && Str(c, "check") == "production answers with the deployed version" && c.GetProperty("passed").GetBoolean());
        Assert.Empty(done.GetProperty("pendingApprovals").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, done.GetProperty("forkedFrom").ValueKind);

        // A dry run of it names its origin.
        var forked = await host.Client.PostAsJsonAsync($"/api/threads/{deploy}/fork", new { at = 2, dryRun = true });
        var fork = (await forked.ReadJsonAsync()).GetProperty("id").GetString()!;
        var dryRun = await ViewAsync(fork, v => Str(v, "status") == "completed", "the dry run to complete");
        Assert.Equal((deploy, 2L, true), (Str(dryRun.GetProperty("forkedFrom"), "threadId"), dryRun.GetProperty("forkedFrom").GetProperty("seq").GetInt64(), dryRun.GetProperty("forkedFrom").GetProperty("dryRun").GetBoolean()));

        // Carol edits a second deploy before approving it: the pending approval shows the edit and only her vote on
        // the edited call; bob's vote settles it "approved with changes".
        var edited = await host.LaunchAsync("deploy", "api to production", "web:alice");
        var toEdit = await ViewAsync(edited, v => v.GetProperty("pendingApprovals").GetArrayLength() == 1, "the second deploy's approval");
        var editId = Str(toEdit.GetProperty("pendingApprovals")[0], "id")!;
        Assert.True(toEdit.GetProperty("pendingApprovals")[0].GetProperty("editable").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsJsonAsync($"/api/threads/{edited}/approvals/{editId}",
            new { decision = "approve", comment = "api is frozen", user = "web:carol", parameters = new { service = "web", version = "1.4.2" } })).StatusCode);
        var amending = await ViewAsync(edited, v => v.GetProperty("pendingApprovals")[0].GetProperty("amendments").GetArrayLength() == 1, "carol's edit");
        var amendment = amending.GetProperty("pendingApprovals")[0].GetProperty("amendments")[0];
        Assert.Equal(("web:carol", "carol", "api is frozen"), (Str(amendment, "by"), Str(amendment, "byName"), Str(amendment, "reason")));
        Assert.Equal("""[{"name":"service","from":"api","to":"web"}]""", amendment.GetProperty("changes").GetRawText());
        Assert.True(amendment.GetProperty("at").GetDateTimeOffset() >= toEdit.GetProperty("pendingApprovals")[0].GetProperty("requestedAt").GetDateTimeOffset());
        Assert.Equal("""{"service":"web","version":"1.4.2"}""", amending.GetProperty("pendingApprovals")[0].GetProperty("parameters").GetRawText());
        Assert.Equal(["web:carol"], amending.GetProperty("pendingApprovals")[0].GetProperty("votes").EnumerateArray().Select(v => Str(v, "by")));
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsJsonAsync($"/api/threads/{edited}/approvals/{editId}", new { decision = "approve", user = "web:bob" })).StatusCode);
        var settledEdit = await ViewAsync(edited, v => v.GetProperty("settledApprovals").GetArrayLength() == 1, "the edited approval to settle");
        var settledAmendment = Assert.Single(settledEdit.GetProperty("settledApprovals")[0].GetProperty("amendments").EnumerateArray());
        Assert.Equal(amendment.GetRawText(), settledAmendment.GetRawText());

        // An incident asking for the customer impact, then paused and aborted.
        var incident = await host.LaunchAsync("incident", "checkout is down", "web:alice");
        var asking = await ViewAsync(incident, v => v.GetProperty("pendingQuestion").ValueKind == JsonValueKind.Object, "the question");
        var question = asking.GetProperty("pendingQuestion");
        Assert.StartsWith("q", Str(question, "id"));
        Assert.Contains("customer impact", Str(question, "question"));
        Assert.Equal("web:alice", Str(question, "to")); // the requester, unless the agent names someone
        Assert.True(question.GetProperty("askedAt").GetDateTimeOffset() >= asking.GetProperty("startedAt").GetDateTimeOffset());
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsJsonAsync($"/api/threads/{incident}/pause", new { user = "web:alice" })).StatusCode);
        var paused = await ViewAsync(incident, v => Str(v, "status") == "paused", "the pause");
        Assert.Equal(("manual", "Paused by alice"), (Str(paused, "pausedReason"), Str(paused, "pausedDetail")));
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsJsonAsync($"/api/threads/{incident}/abort", new { user = "web:alice", reason = "duplicate" })).StatusCode);
        var aborted = await ViewAsync(incident, v => Str(v, "status") == "failed", "the abort");
        Assert.Equal("aborted", Str(aborted, "failureReason"));

        // A workflow waiting for its child's approval, and the child.
        var release = await host.LaunchAsync("release", "api", "web:alice");
        var workflow = await ViewAsync(release, v => v.GetProperty("childApprovals").GetArrayLength() == 1, "the child's approval");
        var childApproval = workflow.GetProperty("childApprovals")[0];
        var childId = Str(childApproval, "childThreadId")!;
        Assert.Equal("deploy_to_production", Str(childApproval, "tool"));
        Assert.Equal("api", childApproval.GetProperty("parameters").GetProperty("service").GetString());
        Assert.True(childApproval.GetProperty("expiresAt").GetDateTimeOffset() > workflow.GetProperty("startedAt").GetDateTimeOffset());
        var child = workflow.GetProperty("children").EnumerateArray().Single(c => Str(c, "threadId") == childId);
        Assert.Equal(("production", "deploy", "api to production", "awaiting_human", false, JsonValueKind.Null),
            (Str(child, "stepId"), Str(child, "agent"), Str(child, "input"), Str(child, "status"), child.GetProperty("finished").GetBoolean(), child.GetProperty("summary").ValueKind));
        var childView = await ViewAsync(childId, v => Str(v, "status") == "awaiting_human", "the child");
        Assert.Equal((release, "api"), (Str(childView, "parentThreadId"), Str(childView.GetProperty("origin"), "platform"))); // a child posts where its workflow came from
        Assert.Equal(Str(childApproval, "approvalId"), Str(childView.GetProperty("pendingApprovals")[0], "id"));

        // Together these threads fill every documented field, and nothing else appears.
        Assert.Equal(ViewFields.Order(StringComparer.Ordinal), seen.SelectMany(v => Paths(v, ViewFields)).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task EveryRouteThatAnswersWithAThread_AnswersWithTheView_AndTheListWithListItems()
    {
        await using var host = await BotHost.StartAsync();
        var launch = await host.Client.PostAsJsonAsync("/api/threads", new { agent = "deploy", input = "api to production", user = "web:alice" });
        var launched = await launch.ReadJsonAsync();
        var id = launched.GetProperty("id").GetString()!;
        var waiting = await host.WaitForStatusAsync(id, "awaiting_human");
        var approvalId = waiting.GetProperty("pendingApprovals")[0].GetProperty("id").GetString();
        var answers = new List<JsonElement>
        {
            launched,
            waiting,
            await host.Client.GetFromJsonAsync<JsonElement>($"/api/threads/{id}/state?at=3"),
            await (await host.Client.PostAsJsonAsync($"/api/threads/{id}/pause", new { user = "web:alice" })).ReadJsonAsync(),
            await (await host.Client.PostAsJsonAsync($"/api/threads/{id}/resume", new { user = "web:alice", feedback = "go on" })).ReadJsonAsync(),
            await (await host.Client.PostAsJsonAsync($"/api/threads/{id}/approvals/{approvalId}", new { decision = "deny", user = "web:bob" })).ReadJsonAsync(),
        };
        var incident = await host.LaunchAsync("incident", "checkout is down");
        await Poll.UntilAsync(() => host.StateAsync(incident), s => s.GetProperty("pendingQuestion").ValueKind == JsonValueKind.Object, what: "the question");
        answers.Add(await (await host.Client.PostAsJsonAsync($"/api/threads/{incident}/answer", new { text = "EU customers cannot pay", user = "web:alice" })).ReadJsonAsync());
        // Aborted while it waits for an answer that never comes (the answered one may finish first and refuse the abort).
        var waitingIncident = await host.LaunchAsync("incident", "search is slow");
        await Poll.UntilAsync(() => host.StateAsync(waitingIncident), s => s.GetProperty("pendingQuestion").ValueKind == JsonValueKind.Object, what: "the second question");
        var abort = await host.Client.PostAsJsonAsync($"/api/threads/{waitingIncident}/abort", new { user = "web:alice" });
        Assert.Equal(HttpStatusCode.OK, abort.StatusCode);
        answers.Add(await abort.ReadJsonAsync());

        Assert.All(answers, a => OnlyDocumented(a));
        Assert.All(answers, a => Assert.Contains("id", Paths(a, ViewFields)));
        Assert.Equal(["feedback", "awaitingCalls", "readyToRun", "messages", "lastToolCall", "consecutiveErrors"],
            new[] { "feedback", "awaitingCalls", "readyToRun", "messages", "lastToolCall", "consecutiveErrors" }.Where(f => !answers.Any(a => a.TryGetProperty(f, out _))));

        var list = await host.Client.GetFromJsonAsync<JsonElement[]>("/api/threads");
        Assert.Equal(3, list!.Length);
        Assert.All(list, item => Assert.Equal(ListFields.Order(StringComparer.Ordinal), Paths(item, ListFields).Order(StringComparer.Ordinal)));
        var row = list.Single(t => t.GetProperty("id").GetString() == id);
        Assert.Equal(("deploy", "web:alice", "api", 0), (row.GetProperty("agent").GetString(), row.GetProperty("requestedBy").GetString(), row.GetProperty("platform").GetString(), row.GetProperty("pendingApprovals").GetInt32()));
    }

    [Fact]
    public async Task TheLiveFeed_SendsTheView()
    {
        await using var host = await BotHost.StartAsync();
        var id = await host.LaunchAsync("deploy", "api to staging");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/webchat/threads/{id}/stream");
        using var response = await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var state = false;
        while (true)
        {
            var line = await reader.ReadLineAsync(deadline.Token) ?? throw new EndOfStreamException();
            if (line == "event: state") state = true;
            else if (state && line.StartsWith("data: ", StringComparison.Ordinal))
            {
                var view = JsonDocument.Parse(line[6..]).RootElement;
                OnlyDocumented(view);
                Assert.Equal(id, view.GetProperty("id").GetString());
                return;
            }
        }
    }

    [Fact]
    public async Task TheOpenApiDocument_DescribesTheViewAndTheListItem_WithTheDocumentedFields()
    {
        await using var host = await BotHost.StartAsync();
        var document = await host.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var schemas = document.GetProperty("components").GetProperty("schemas");

        Assert.Equal(TopLevel(ViewFields), schemas.GetProperty("ThreadView").GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(TopLevel(ListFields), schemas.GetProperty("ThreadListItem").GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.False(schemas.TryGetProperty("ThreadState", out _), "the reducer's state is not part of the API");
        var get = document.GetProperty("paths").GetProperty("/api/threads/{id}").GetProperty("get");
        Assert.Equal("#/components/schemas/ThreadView", get.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
    }

    /// <summary>The field paths of a table in docs/API.md's section <paramref name="heading"/> (<c>pendingApprovals[].id</c>: a field of each element).</summary>
    private static HashSet<string> Documented(string heading)
    {
        var doc = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "API.md"));
        var start = doc.IndexOf(heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/API.md has no section {heading}");
        var end = doc.IndexOf("\n#", start + heading.Length, StringComparison.Ordinal);
        var section = doc[start..(end < 0 ? doc.Length : end)];
        var fields = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in section.Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)))
            foreach (Match m in Regex.Matches(line.Split('|')[1], "`([^`]+)`"))
                fields.Add(m.Groups[1].Value);
        Assert.NotEmpty(fields);
        return fields;
    }

    /// <summary>
    /// The field paths present in <paramref name="json"/>, descending only into objects and arrays whose own fields are
    /// documented (an <c>arguments</c> or <c>parameters</c> object is a value, not part of the contract's shape).
    /// </summary>
    private static List<string> Paths(JsonElement json, IReadOnlySet<string> documented, string prefix = "")
    {
        var paths = new List<string>();
        foreach (var property in json.EnumerateObject())
        {
            var path = prefix + property.Name;
            paths.Add(path);
            if (property.Value.ValueKind == JsonValueKind.Object && documented.Any(d => d.StartsWith(path + ".", StringComparison.Ordinal)))
                paths.AddRange(Paths(property.Value, documented, path + "."));
            if (property.Value.ValueKind == JsonValueKind.Array && documented.Any(d => d.StartsWith(path + "[].", StringComparison.Ordinal)))
                foreach (var element in property.Value.EnumerateArray())
                    paths.AddRange(Paths(element, documented, path + "[]."));
        }
        return [.. paths.Distinct()];
    }

    /// <summary>Fails naming every field of <paramref name="view"/> that docs/API.md does not document.</summary>
    private static void OnlyDocumented(JsonElement view) =>
        Assert.Equal([], Paths(view, ViewFields).Except(ViewFields));

    private static IEnumerable<string> TopLevel(IReadOnlySet<string> fields) =>
        fields.Where(f => !f.Contains('.') && !f.Contains('[')).Order(StringComparer.Ordinal);
}
