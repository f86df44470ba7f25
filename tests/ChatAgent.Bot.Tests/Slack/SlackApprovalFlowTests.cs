using System.Net;
using System.Text.Json.Nodes;
using ChatAgent.Bot.Slack;
using ChatAgent.Bot.Tests.Slack.Support;
using ChatAgent.Core.Threads;

namespace ChatAgent.Bot.Tests.Slack;

/// <summary>Slash command -> approval card -> click -> card updated in place -> completion, over real HTTP.</summary>
public sealed class SlackApprovalFlowTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SlashDeploy_PostsCard_ApproveClick_UpdatesCardInPlace_ThenCompletes(bool postgres)
    {
        await using var rig = await SlackRig.StartAsync(postgres);

        var reply = await rig.CommandAsync("/deploy", "api to production", user: "UALICE");
        Assert.StartsWith("Started deploy as `th", (string?)reply["text"]);
        var threadId = SlackRig.ThreadIdFrom(reply);

        var cardCall = await CardAsync(rig);
        Assert.Equal("C123", cardCall.Str("channel"));
        Assert.Equal("Bearer " + SlackRig.BotToken, cardCall.Authorization);
        var card = cardCall.BlocksJson;
        Assert.Contains("deploy_to_production", card);
        Assert.Contains("service", card);                  // the exact parameters
        Assert.Contains("1.4.2", card);
        Assert.Contains("Production was asked for", card); // why
        Assert.Contains("<@UALICE>", card);                // who asked
        Assert.Contains("<!date^", card);                  // expiry
        var buttons = cardCall.Buttons;
        Assert.Equal([SlackActions.Approve, SlackActions.Deny, SlackActions.ApproveWithComment, SlackActions.DenyWithComment, SlackActions.Edit], buttons.Select(b => b.ActionId));
        var approve = (JsonObject)((JsonArray)cardCall.Body["blocks"]!).OfType<JsonObject>().Single(b => (string?)b["type"] == "actions")["elements"]![0]!;
        Assert.Equal("primary", (string?)approve["style"]);
        Assert.NotNull(approve["confirm"]); // the tool's policy asks for a confirmation

        var click = await rig.ClickAsync(SlackActions.Approve, buttons[0].Value, user: "UBOB");
        Assert.Equal(HttpStatusCode.OK, click.StatusCode);

        var done = await rig.WaitForAsync(threadId, s => s.Status == ThreadStatus.Completed, "completion");
        Assert.Equal("Deployed api 1.4.2 to production.", done.Summary);
        var cardTs = cardCall.Ts;
        var update = (await rig.WaitForCallsAsync(
            calls => calls.Any(c => c.Method == "chat.update" && c.Str("ts") == cardTs && c.BlocksJson.Contains("Approved")), "card update")).Last(c => c.Method == "chat.update" && c.Str("ts") == cardTs);
        Assert.Contains("<@UBOB>", update.BlocksJson);
        Assert.Empty(update.Buttons);
        await rig.WaitForCallsAsync(calls => calls.Any(c => c.Method == "chat.postMessage" && c.Str("text") == "Deployed api 1.4.2 to production."), "final summary");
        Assert.Single(rig.Slack.CallsTo("chat.postMessage"), c => c.BlocksJson.Contains("deploy_to_production") && c.Buttons.Count > 0);
        Assert.Empty(rig.Slack.Violations);
    }

    [Fact]
    public async Task DenyWithComment_OpensModal_AndTheAgentSeesTheComment()
    {
        await using var rig = await SlackRig.StartAsync();
        var threadId = SlackRig.ThreadIdFrom(await rig.CommandAsync("/agent", "deploy api to production", user: "UALICE"));
        var card = await CardAsync(rig);
        var value = card.Buttons.Single(b => b.ActionId == SlackActions.DenyWithComment).Value;

        var click = await rig.ClickAsync(SlackActions.DenyWithComment, value, user: "UBOB");
        Assert.Equal(HttpStatusCode.OK, click.StatusCode);
        var open = Assert.Single(rig.Slack.CallsTo("views.open"));
        Assert.StartsWith("trig-", open.Str("trigger_id"));
        var view = (JsonObject)open.Body["view"]!;
        Assert.Equal(SlackActions.CommentModal, (string?)view["callback_id"]);

        var submit = await rig.SubmitViewAsync(new JsonObject
        {
            ["callback_id"] = (string?)view["callback_id"],
            ["private_metadata"] = (string?)view["private_metadata"],
            ["state"] = new JsonObject
            {
                ["values"] = new JsonObject
                {
                    [SlackActions.TextBlock] = new JsonObject { [SlackActions.TextInput] = new JsonObject { ["type"] = "plain_text_input", ["value"] = "Not during the freeze" } },
                },
            },
        }, user: "UBOB");
        Assert.Equal(HttpStatusCode.OK, submit.StatusCode);

        var done = await rig.WaitForAsync(threadId, s => s.IsEnded, "the thread to end after the denial");
        Assert.Contains("Not during the freeze", done.Summary);
        var denied = Assert.Single(done.SettledApprovals);
        Assert.Equal("denied", denied.Outcome);
        Assert.Equal("slack:UBOB", denied.DecidingVote!.By);
        await rig.WaitForCallsAsync(calls => calls.Any(c => c.Method == "chat.update" && c.BlocksJson.Contains("Denied") && c.BlocksJson.Contains("Not during the freeze")), "the card showing the denial and comment");
        Assert.Empty(rig.Slack.Violations);
    }

    [Fact]
    public async Task TwentyConcurrentClicks_DecideOnce()
    {
        await using var rig = await SlackRig.StartAsync();
        var threadId = SlackRig.ThreadIdFrom(await rig.CommandAsync("/deploy", "api to production"));
        var value = (await CardAsync(rig)).Buttons[0].Value;

        var clicks = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => rig.ClickAsync(SlackActions.Approve, value, user: "UBOB")));
        Assert.All(clicks, c => Assert.Equal(HttpStatusCode.OK, c.StatusCode));

        await rig.WaitForAsync(threadId, s => s.Status == ThreadStatus.Completed, "completion");
        var events = await rig.Host.Get<ChatAgent.Core.Runtime.ThreadService>().GetEventsAsync(threadId);
        Assert.Single(events, e => e.Data.Type == "approval_decided");
        // The 19 other clicks were told it was already decided, each only to the clicker.
        var refusals = await rig.WaitForCallsAsync(calls => calls.Count(c => c.Method == "chat.postEphemeral") >= 19, "19 ephemeral answers");
        Assert.All(refusals.Where(c => c.Method == "chat.postEphemeral"), c => Assert.Equal("UBOB", c.Str("user")));
        Assert.Equal(1, File.ReadAllLines(Path.Combine(rig.Host.DataDir, "releases.log")).Count(l => l.Contains("tool=deploy_to_production")));
        Assert.Empty(rig.Slack.Violations);
    }

    [Fact]
    public async Task NonApproversClick_GetsAnEphemeralRefusal_AndDecidesNothing()
    {
        await using var rig = await SlackRig.StartAsync(settings: new Dictionary<string, string?> { ["Approvals:Groups:deployers:0"] = "slack:UBOB" });
        var threadId = SlackRig.ThreadIdFrom(await rig.CommandAsync("/deploy", "api to production", user: "UALICE"));
        var value = (await CardAsync(rig)).Buttons[0].Value;

        var click = await rig.ClickAsync(SlackActions.Approve, value, user: "UEVE", channel: "C123");
        Assert.Equal(HttpStatusCode.OK, click.StatusCode);

        var refusal = Assert.Single(rig.Slack.CallsTo("chat.postEphemeral"));
        Assert.Equal("UEVE", refusal.Str("user"));
        Assert.Equal("C123", refusal.Str("channel"));
        Assert.Contains("not an approver", refusal.Str("text"));
        var state = await rig.StateAsync(threadId);
        Assert.Single(state!.PendingApprovals);
        Assert.Empty(state.PendingApprovals[0].Votes);

        // The requester may not approve their own deploy either; the comment modal is not even offered.
        await rig.ClickAsync(SlackActions.ApproveWithComment, value, user: "UALICE");
        Assert.Empty(rig.Slack.CallsTo("views.open"));
        Assert.Contains(rig.Slack.CallsTo("chat.postEphemeral"), c => c.Str("user") == "UALICE");
        Assert.Empty(rig.Slack.Violations);
    }

    /// <summary>The approval card's chat.postMessage, with the ts Slack gave it.</summary>
    internal static async Task<SlackCall> CardAsync(SlackRig rig)
    {
        var calls = await rig.WaitForCallsAsync(c => c.Any(x => x.Method == "chat.postMessage" && x.Buttons.Any(b => b.ActionId == SlackActions.Approve)), "the approval card");
        return calls.First(x => x.Method == "chat.postMessage" && x.Buttons.Any(b => b.ActionId == SlackActions.Approve));
    }
}
