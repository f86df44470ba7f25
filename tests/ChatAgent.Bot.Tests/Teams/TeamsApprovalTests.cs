using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.TestSupport;

namespace ChatAgent.Bot.Tests.Teams;

public sealed class TeamsApprovalTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DeployFromTeams_PostsApprovalCard_ApproveInvokeRefreshesCard_ThenCompletes(bool postgres)
    {
        await using var bed = await TeamsTestBed.StartAsync(postgres);
        var message = bed.Message("<at>ChatAgent</at> deploy api to production");
        var messageId = JsonSerializer.SerializeToElement(message).GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await bed.PostAsync(message)).StatusCode);

        var cardCall = await bed.ConnectorCallAsync(c => c.Cards.Any(IsPendingApproval), "the approval card");
        Assert.Equal("POST", cardCall.Method);
        Assert.Equal($"/connector/v3/conversations/{Uri.EscapeDataString(TeamsTestBed.Conversation)}/activities/{messageId}", cardCall.Path);
        Assert.Equal("Bearer bot-token-1", cardCall.Authorization);
        var card = cardCall.Cards.Single();
        var (threadId, approvalId) = Ids(card);
        var text = card.GetRawText();
        Assert.Contains("deploy_to_production", text);
        Assert.Contains("\"title\":\"service\",\"value\":\"api\"", text);
        Assert.Contains("\"title\":\"version\",\"value\":\"1.4.2\"", text);
        Assert.Contains("teams:aad-alice", text);
        var token = Assert.Single(bed.Fake.TokenCalls.Select(c => c.Body).Distinct());
        Assert.Contains("grant_type=client_credentials", token);
        Assert.Contains($"client_id={TeamsTestBed.AppId}", token);

        var answer = await bed.PostAsync(bed.Invoke("approve", threadId, approvalId, "bob", comment: "ship it"));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var invoke = await answer.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(200, invoke.GetProperty("statusCode").GetInt32());
        Assert.Equal("application/vnd.microsoft.card.adaptive", invoke.GetProperty("type").GetString());
        var refreshed = invoke.GetProperty("value");
        AssertDecided(refreshed, "Approved", "Bob", "ship it");

        var shared = await bed.ConnectorCallAsync(c => c.Method == "PUT" && c.Cards.Any(x => x.GetRawText().Contains("Approved by")), "the shared card replaced");
        Assert.EndsWith("/activities/" + cardCall.CreatedId, shared.Path);
        AssertDecided(shared.Cards.Single(), "Approved", "Bob", "ship it");

        await bed.ConnectorCallAsync(c => c.Text?.Contains("Deployed api 1.4.2 to production.") == true, "the completion message");
        var done = await Poll.UntilAsync(() => bed.ThreadAsync(threadId), s => s.GetProperty("status").GetString() == "completed", TeamsTestBed.Patience);
        Assert.Equal("teams", done.GetProperty("origin").GetProperty("platform").GetString());
        Assert.Single(File.ReadAllLines(Path.Combine(bed.Host.DataDir, "releases.log")), l => l.Contains("tool=deploy_to_production"));
        bed.AssertEveryCardValid(refreshed);
    }

    [Fact]
    public async Task Deny_WithComment_EveryCopyShowsWhoAndWhy_AndNothingReachesProduction()
    {
        await using var bed = await TeamsTestBed.StartAsync();
        await bed.PostAsync(bed.Message("deploy api to production"));
        var (threadId, approvalId) = Ids((await bed.ConnectorCallAsync(c => c.Cards.Any(IsPendingApproval), "the approval card")).Cards.Single());

        var answer = await bed.PostAsync(bed.Invoke("deny", threadId, approvalId, "bob", comment: "change freeze until Monday"));
        var refreshed = (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("value");
        AssertDecided(refreshed, "Denied", "Bob", "change freeze until Monday");
        var shared = await bed.ConnectorCallAsync(c => c.Method == "PUT" && c.Cards.Any(x => x.GetRawText().Contains("Denied by")), "the shared card replaced");
        AssertDecided(shared.Cards.Single(), "Denied", "Bob", "change freeze until Monday");

        var state = await bed.ThreadAsync(threadId);
        Assert.Empty(state.GetProperty("pendingApprovals").EnumerateArray());
        var log = Path.Combine(bed.Host.DataDir, "releases.log");
        Assert.DoesNotContain(File.Exists(log) ? File.ReadAllLines(log) : [], l => l.Contains("tool=deploy_to_production"));
        bed.AssertEveryCardValid(refreshed);
    }

    [Fact]
    public async Task NonApproversClick_IsRefused_WithTheCardWithoutButtons_AndDecidesNothing()
    {
        await using var bed = await TeamsTestBed.StartAsync();
        await bed.PostAsync(bed.Message("deploy api to production"));
        var (threadId, approvalId) = Ids((await bed.ConnectorCallAsync(c => c.Cards.Any(IsPendingApproval), "the approval card")).Cards.Single());

        var answer = await bed.PostAsync(bed.Invoke("approve", threadId, approvalId, "carol"));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var card = (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("value");
        Assert.Contains("You are not an approver", card.GetRawText());
        Assert.DoesNotContain("Action.Execute\",\"verb\":\"approve", card.GetRawText());
        Assert.DoesNotContain("\"Input.Text\"", card.GetRawText());

        var refresh = await bed.PostAsync(bed.Invoke("refreshCard", threadId, approvalId, "bob"));
        var approversView = (await refresh.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("value");
        Assert.Contains("\"verb\":\"approve\"", approversView.GetRawText());

        var events = await bed.Host.Client.GetFromJsonAsync<JsonElement[]>($"/api/threads/{threadId}/events");
        Assert.DoesNotContain(events!, e => e.GetProperty("type").GetString() == "approval_decided");
        Assert.Equal("awaiting_human", (await bed.ThreadAsync(threadId)).GetProperty("status").GetString());
        bed.AssertEveryCardValid(card, approversView);
    }

    [Fact]
    public async Task SubmitFallback_MessageWithValue_DecidesLikeTheInvoke()
    {
        await using var bed = await TeamsTestBed.StartAsync();
        await bed.PostAsync(bed.Message("deploy api to production"));
        var (threadId, approvalId) = Ids((await bed.ConnectorCallAsync(c => c.Cards.Any(IsPendingApproval), "the approval card")).Cards.Single());

        var submit = bed.Message("", user: "bob", value: new { verb = "approve", threadId, approvalId, comment = "from an old client" });
        Assert.Equal(HttpStatusCode.OK, (await bed.PostAsync(submit)).StatusCode);

        var done = await Poll.UntilAsync(() => bed.ThreadAsync(threadId), s => s.GetProperty("status").GetString() == "completed", TeamsTestBed.Patience);
        Assert.Equal("completed", done.GetProperty("status").GetString());
        await bed.ConnectorCallAsync(c => c.Cards.Any(x => x.GetRawText().Contains("from an old client")), "the decided card sent back");
        bed.AssertEveryCardValid();
    }

    [Fact]
    public async Task DuplicateActivity_StartsOneThread()
    {
        await using var bed = await TeamsTestBed.StartAsync();
        var message = bed.Message("deploy api to staging", id: "msg-duplicate-1");
        Assert.Equal(HttpStatusCode.OK, (await bed.PostAsync(message)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bed.PostAsync(message)).StatusCode);

        var thread = Assert.Single(await bed.ThreadsAsync());
        await Poll.UntilAsync(() => bed.ThreadAsync(thread.GetProperty("id").GetString()!), s => s.GetProperty("status").GetString() == "completed", TeamsTestBed.Patience);
        Assert.Single(await bed.ThreadsAsync());
    }

    [Fact]
    public async Task PendingCommand_RepliesWithTheWaitingApprovalCards()
    {
        await using var bed = await TeamsTestBed.StartAsync();
        await bed.PostAsync(bed.Message("deploy api to production"));
        var (_, approvalId) = Ids((await bed.ConnectorCallAsync(c => c.Cards.Any(IsPendingApproval), "the approval card")).Cards.Single());

        await bed.PostAsync(bed.Message("pending", user: "bob"));
        var reply = await bed.ConnectorCallAsync(c => c.Text?.Contains("approval(s) waiting") == true, "the pending list");
        Assert.Contains(approvalId, reply.Cards.Single().GetRawText());
        bed.AssertEveryCardValid();
    }

    [Fact]
    public async Task UnknownText_GetsTheUsage()
    {
        await using var bed = await TeamsTestBed.StartAsync();
        await bed.PostAsync(bed.Message("<at>ChatAgent</at> make me a sandwich"));
        var reply = await bed.ConnectorCallAsync(c => c.Text?.Contains("I don't know") == true, "the usage");
        Assert.Contains("deploy <service> to [env=staging]", reply.Text);
        Assert.Empty(await bed.ThreadsAsync());
    }

    internal static bool IsPendingApproval(JsonElement card) => card.GetRawText().Contains("\"verb\":\"approve\"");

    internal static (string ThreadId, string ApprovalId) Ids(JsonElement card)
    {
        var data = Find(card, "approve").GetProperty("data");
        return (data.GetProperty("threadId").GetString()!, data.GetProperty("approvalId").GetString()!);
    }

    private static JsonElement Find(JsonElement e, string verb)
    {
        if (e.ValueKind == JsonValueKind.Object)
        {
            if (e.TryGetProperty("verb", out var v) && v.GetString() == verb && e.TryGetProperty("type", out var t) && t.GetString() == "Action.Execute") return e;
            foreach (var p in e.EnumerateObject()) if (Find(p.Value, verb) is { ValueKind: JsonValueKind.Object } found) return found;
        }
        if (e.ValueKind == JsonValueKind.Array)
            foreach (var x in e.EnumerateArray()) if (Find(x, verb) is { ValueKind: JsonValueKind.Object } found) return found;
        return default;
    }

    private static void AssertDecided(JsonElement card, string outcome, string who, string comment)
    {
        var text = card.GetRawText();
        Assert.Contains($"\"{outcome}: deploy_to_production\"", text);
        Assert.Contains($"\"title\":\"{outcome} by\",\"value\":\"{who}\"", text);
        Assert.Contains($"\"title\":\"Comment\",\"value\":\"{comment}\"", text);
        Assert.Contains("\"title\":\"At\"", text);
        Assert.DoesNotContain("\"verb\":\"approve\"", text);
    }
}
