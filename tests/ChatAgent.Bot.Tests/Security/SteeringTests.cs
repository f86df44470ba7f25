using System.Net;
using System.Text.Json.Nodes;
using ChatAgent.Bot.Slack;
using ChatAgent.Bot.Tests.Slack.Support;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.Core.Threads;
using static ChatAgent.Bot.Tests.Security.Appended;

namespace ChatAgent.Bot.Tests.Security;

/// <summary>
/// Who may steer a thread (pause, resume, abort, retry, answer) and who sees what in <c>pending</c>, in Slack over real
/// HTTP on PostgreSQL: UALICE asks for a production deploy, UBOB is the deployer, UEVE is just in the workspace.
/// </summary>
public sealed class SteeringTests
{
    private static Task<SlackRig> StartAsync(Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Approvals:Groups:operators:0"] = "slack:UOPS",
            ["Api:Keys:chat:Key"] = "chat-key-0b1d",
            ["Api:Keys:chat:ActAs:0"] = "web:*",
        };
        foreach (var (k, v) in more ?? []) settings[k] = v;
        return SlackRig.StartAsync(postgres: true, settings: settings);
    }

    private static async Task<string> WaitingDeployAsync(SlackRig rig)
    {
        var id = SlackRig.ThreadIdFrom(await rig.CommandAsync("/deploy", "api to production", user: "UALICE"));
        await rig.WaitForAsync(id, s => s.Status == ThreadStatus.AwaitingHuman, "the approval request");
        return id;
    }

    [Fact]
    public async Task WorkspaceMember_WhoIsNeitherRequesterNorApprover_CannotPauseSomeoneElsesDeploy()
    {
        await using var rig = await StartAsync();
        var id = await WaitingDeployAsync(rig);
        var before = await QuietEventCountAsync(rig.Host, id);

        var refused = await rig.CommandAsync("/agent", $"pause {id}", user: "UEVE");
        Assert.Contains($"Only the person who started thread {id}, the people who may decide its approval, or the operators group may change it.", (string?)refused["text"]);
        Assert.Equal(before, await EventCountAsync(rig.Host, id));
        Assert.Equal(ThreadStatus.AwaitingHuman, (await rig.StateAsync(id))!.Status);

        // Over REST the same person gets 403, and nothing is appended either.
        var rest = await rig.Client.SendAsync(Json(HttpMethod.Post, $"/api/threads/{id}/abort", new { user = "web:eve" }, "chat-key-0b1d"));
        Assert.Equal(HttpStatusCode.Forbidden, rest.StatusCode);
        Assert.Equal("thread.not_allowed", (await rest.ReadJsonAsync()).GetProperty("code").GetString());
        Assert.Equal(before, await EventCountAsync(rig.Host, id));

        // The deployer who may decide its approval may pause it; an operator may resume it.
        Assert.StartsWith("Paused", (string?)(await rig.CommandAsync("/agent", $"pause {id}", user: "UBOB"))["text"]);
        Assert.StartsWith("Resumed", (string?)(await rig.CommandAsync("/agent", $"resume {id}", user: "UOPS"))["text"]);
    }

    [Fact]
    public async Task Pending_ListsOnlyWhatTheAskerMayDecide_OperatorsSeeAll()
    {
        await using var rig = await StartAsync();
        await WaitingDeployAsync(rig);

        Assert.Equal("Nothing is waiting for your approval.", (string?)(await rig.CommandAsync("/agent", "pending", user: "UEVE"))["text"]);
        Assert.Equal("Nothing is waiting for your approval.", (string?)(await rig.CommandAsync("/agent", "pending", user: "UALICE"))["text"]);
        Assert.StartsWith("1 approval(s) waiting for you", (string?)(await rig.CommandAsync("/agent", "pending", user: "UBOB"))["text"]);
        Assert.StartsWith("1 approval(s) waiting for you", (string?)(await rig.CommandAsync("/agent", "pending", user: "UOPS"))["text"]);
    }

    [Fact]
    public async Task TheApprovalCard_ListsWhoMayDecide()
    {
        await using var rig = await StartAsync();
        await WaitingDeployAsync(rig);
        var card = await rig.WaitForCallsAsync(c => c.Any(x => x.Buttons.Any(b => b.ActionId == SlackActions.Approve)), "the approval card");
        Assert.Contains("group:deployers (slack:UBOB)", card.First(x => x.Buttons.Any(b => b.ActionId == SlackActions.Approve)).BlocksJson);
    }

    [Fact]
    public async Task OnePersonOnSlackAndTheWebChat_CannotApproveTheirOwnRequest_FromTheOtherSurface()
    {
        await using var rig = await StartAsync(new()
        {
            ["People:alice:0"] = "slack:UALICE",
            ["People:alice:1"] = "web:alice",
            ["Approvals:Groups:deployers:0"] = "alice",
            ["Approvals:Groups:deployers:1"] = "slack:UBOB",
        });
        var id = await WaitingDeployAsync(rig);
        var approval = (await rig.StateAsync(id))!.PendingApprovals.Single().Id;
        var before = await QuietEventCountAsync(rig.Host, id);

        var self = await rig.Client.SendAsync(Json(HttpMethod.Post, $"/api/threads/{id}/approvals/{approval}", new { decision = "approve", user = "web:alice" }, "chat-key-0b1d"));
        Assert.Equal(HttpStatusCode.Forbidden, self.StatusCode);
        Assert.Equal("approval.self", (await self.ReadJsonAsync()).GetProperty("code").GetString());
        Assert.Equal(before, await EventCountAsync(rig.Host, id));
    }

    [Fact]
    public async Task AnsweringSomeoneElsesQuestion_InTheSlackThread_IsRefusedOnlyToThem_AndAppendsNothing()
    {
        await using var rig = await StartAsync();
        JsonObject Mention(string id, string user, string text, string ts, string? threadTs = null) => new()
        {
            ["type"] = "event_callback", ["event_id"] = id, ["event_time"] = 1700000000,
            ["event"] = new JsonObject { ["type"] = "app_mention", ["user"] = user, ["text"] = text, ["channel"] = "C123", ["ts"] = ts, ["thread_ts"] = threadTs },
        };
        await rig.EventAsync(Mention("EvS1", "UALICE", "<@UBOT> incident checkout is down", "1700000400.000100"));
        var threadId = Assert.Single(await rig.ThreadsAsync()).Id;
        await rig.WaitForAsync(threadId, s => s.PendingQuestion is not null, "the question");
        var before = await QuietEventCountAsync(rig.Host, threadId);

        Assert.Equal(HttpStatusCode.OK, (await rig.EventAsync(Mention("EvS2", "UEVE", "<@UBOT> nothing is wrong", "1700000401.000100", "1700000400.000100"))).StatusCode);

        var refusal = (await rig.WaitForCallsAsync(c => c.Any(x => x.Method == "chat.postEphemeral"), "the refusal")).Single(x => x.Method == "chat.postEphemeral");
        Assert.Equal("UEVE", refusal.Str("user"));
        Assert.Contains($"Only the person who started thread {threadId}", refusal.Str("text"));
        Assert.Equal(before, await EventCountAsync(rig.Host, threadId));
        Assert.NotNull((await rig.StateAsync(threadId))!.PendingQuestion);
    }
}
