using System.Net;
using System.Text.Json.Nodes;
using ChatAgent.Bot.Slack;
using ChatAgent.Bot.Tests.Slack.Support;
using ChatAgent.Core.Events;
using ChatAgent.Core.Threads;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace ChatAgent.Bot.Tests.Slack;

/// <summary>
/// The approvals inbox on Slack, on PostgreSQL over real HTTP, with the events, clicks and Web API calls as Slack sends
/// and answers them: the card in each approver's DM (<c>direct_message: true</c>), and the App Home tab.
/// </summary>
public sealed class SlackInboxTests
{
    private static TempDirectory DirectMessageAgents() =>
        SampleAgents.WithToolsLine("      confirm: true\n", "      confirm: true\n      direct_message: true\n");

    private static readonly Dictionary<string, string?> TwoDeployers = new()
    {
        ["Approvals:Groups:deployers:0"] = "slack:UBOB",
        ["Approvals:Groups:deployers:1"] = "slack:UCAROL",
        ["Approvals:Groups:deployers:2"] = "slack:UALICE",
    };

    [Fact]
    public async Task EachApproverButTheRequester_GetsTheCardInADm_ADecisionThereDecides_AndEveryCopyIsUpdated()
    {
        using var agents = DirectMessageAgents();
        await using var rig = await SlackRig.StartAsync(postgres: true, settings: new Dictionary<string, string?>(TwoDeployers) { ["Agents:Path"] = agents.Path });
        var threadId = SlackRig.ThreadIdFrom(await rig.CommandAsync("/deploy", "api to production", user: "UALICE"));

        var calls = await rig.WaitForCallsAsync(c => c.Count(x => x.Method == "chat.postMessage" && x.Buttons.Any(b => b.ActionId == SlackActions.Approve)) == 3, "the card in the channel and two DMs");
        Assert.Equal(["UBOB", "UCAROL"], calls.Where(c => c.Method == "conversations.open").Select(c => c.Str("users")).Order());
        var cards = calls.Where(x => x.Method == "chat.postMessage" && x.Buttons.Any(b => b.ActionId == SlackActions.Approve)).ToList();
        Assert.Equal(["C123", "DUBOB", "DUCAROL"], cards.Select(c => c.Str("channel")).Order());
        Assert.All(cards, c => Assert.Equal(cards[0].BlocksJson, c.BlocksJson)); // the same card, the same buttons
        var inBobsDm = cards.Single(c => c.Str("channel") == "DUBOB");

        var click = await rig.ClickAsync(SlackActions.Approve, inBobsDm.Buttons.Single(b => b.ActionId == SlackActions.Approve).Value, user: "UBOB", channel: "DUBOB");
        Assert.Equal(HttpStatusCode.OK, click.StatusCode);
        var done = await rig.WaitForAsync(threadId, s => s.Status == ThreadStatus.Completed, "the deploy approved from the DM");
        Assert.Equal("slack:UBOB", Assert.Single(Assert.Single(done.SettledApprovals).Votes).By);

        // Every copy, the channel's and both DMs, now says who approved it, in place.
        var updated = await rig.WaitForCallsAsync(c => cards.All(card => c.Any(u => u.Method == "chat.update" && u.Str("channel") == card.Str("channel")
            && u.Str("ts") == card.Ts && u.BlocksJson.Contains("Approved") && u.Buttons.Count == 0)), "every copy of the card updated");
        Assert.Empty(rig.Slack.Violations);

        // The stream records each copy once, with whom it went to.
        var copies = (await rig.Host.Get<Core.Runtime.ThreadService>().GetEventsAsync(threadId)).Select(e => e.Data).OfType<MessagePosted>()
            .Where(p => p.To is not null).ToList();
        Assert.Equal(["slack:UBOB", "slack:UCAROL"], copies.Select(p => p.To!).Distinct().Order());
        Assert.Equal(["DUBOB|" + inBobsDm.Ts], copies.Where(p => p.To == "slack:UBOB").Select(p => p.Ref).Distinct());
    }

    [Fact]
    public async Task WithoutDirectMessageInThePolicy_NoDmIsOpened()
    {
        await using var rig = await SlackRig.StartAsync(postgres: true, settings: TwoDeployers);
        var threadId = SlackRig.ThreadIdFrom(await rig.CommandAsync("/deploy", "api to production", user: "UALICE"));
        await SlackApprovalFlowTests.CardAsync(rig);
        await rig.WaitForAsync(threadId, s => s.Messages.Values.All(m => m.IsDelivered), "the outbox delivered");
        Assert.Empty(rig.Slack.CallsTo("conversations.open"));
        Assert.Single(rig.Slack.CallsTo("chat.postMessage"), c => c.Buttons.Count > 0);
    }

    [Fact]
    public async Task ADmSlackRefuses_IsRecordedOnce_AndTheOthersStillGetTheirs()
    {
        using var agents = DirectMessageAgents();
        await using var rig = await SlackRig.StartAsync(postgres: true, settings: new Dictionary<string, string?>(TwoDeployers) { ["Agents:Path"] = agents.Path });
        rig.Slack.FailNext("conversations.open", "user_not_found");
        var threadId = SlackRig.ThreadIdFrom(await rig.CommandAsync("/deploy", "api to production", user: "UALICE"));
        var state = await rig.WaitForAsync(threadId, s => s.Messages.Values.Any(m => m.Copies.Count == 2), "both copies recorded");
        var copies = state.Messages.Values.Single(m => m.Copies.Count == 2).Copies;
        Assert.Single(copies.Values, c => c.Refused && c.Ref.StartsWith("refused:user_not_found|", StringComparison.Ordinal));
        Assert.Single(copies.Values, c => !c.Refused && c.Ref.StartsWith('D'));
        Assert.Equal(2, rig.Slack.CallsTo("chat.postMessage").Count(c => c.Buttons.Count > 0)); // the channel and the one DM
    }

    [Fact]
    public async Task AnEscalation_SendsTheCardToTheEscalationTargetsDm_AndLaterVersionsReplaceItThere()
    {
        using var agents = DirectMessageAgents();
        var clock = new ManualClock();
        await using var rig = await SlackRig.StartAsync(settings: new Dictionary<string, string?> { ["Agents:Path"] = agents.Path },
            services: s => s.AddSingleton<TimeProvider>(clock));
        var threadId = SlackRig.ThreadIdFrom(await rig.CommandAsync("/deploy", "api to production", user: "UALICE"));
        await rig.WaitForCallsAsync(c => c.Any(x => x.Method == "chat.postMessage" && x.Str("channel") == "DUBOB"), "the deployer's DM");
        Assert.DoesNotContain(rig.Slack.CallsTo("conversations.open"), c => c.Str("users") == "USAM"); // not asked yet
        var approvalId = (await rig.StateAsync(threadId))!.PendingApprovals.Single().Id;
        var ladder = rig.Host.Get<ChatAgent.Jobs.ApprovalLadderJob>();

        clock.Advance(TimeSpan.FromMinutes(31)); // past the reminder and the escalation to group:sre-leads (USAM)
        await ladder.CheckAsync(threadId, approvalId, CancellationToken.None);
        await ladder.CheckAsync(threadId, approvalId, CancellationToken.None);
        var calls = await rig.WaitForCallsAsync(c => c.Any(x => x.Method == "chat.postMessage" && x.Str("channel") == "DUSAM" && x.Buttons.Count > 0), "the escalation target's DM");
        var samsCard = calls.First(x => x.Method == "chat.postMessage" && x.Str("channel") == "DUSAM");
        Assert.Single(rig.Slack.CallsTo("conversations.open"), c => c.Str("users") == "UBOB"); // Bob's copy is updated, not posted again

        clock.Advance(TimeSpan.FromMinutes(30)); // expired
        await ladder.CheckAsync(threadId, approvalId, CancellationToken.None);
        await rig.WaitForCallsAsync(c => c.Any(u => u.Method == "chat.update" && u.Str("channel") == "DUSAM" && u.Ts == samsCard.Ts && u.BlocksJson.Contains("Expired") && u.Buttons.Count == 0),
            "the escalation target's copy showing the expiry");
        Assert.Empty(rig.Slack.Violations);
    }

    [Fact]
    public async Task TheAppHome_ListsWhatAwaitsThePerson_WithTheCardsButtons_AndDecidingThereRefreshesIt()
    {
        await using var rig = await SlackRig.StartAsync(postgres: true, settings: TwoDeployers);
        var threadId = SlackRig.ThreadIdFrom(await rig.CommandAsync("/deploy", "api to production", user: "UALICE"));
        var channelCard = await SlackApprovalFlowTests.CardAsync(rig);

        var carolsHome = await OpenHomeAsync(rig, "UCAROL", "Ev100");
        Assert.Contains(SlackHome.Title, carolsHome.BlocksJson);
        Assert.Contains("1 approval(s) waiting for you", carolsHome.BlocksJson);
        Assert.Equal(channelCard.Buttons, HomeButtons(carolsHome));
        // The requester may not approve her own deploy: nothing awaits her.
        var alicesHome = await OpenHomeAsync(rig, "UALICE", "Ev101");
        Assert.Contains("Nothing is waiting for your approval.", alicesHome.BlocksJson);
        Assert.Empty(HomeButtons(alicesHome));

        // Alice presses Approve on a card she got to anyway: refused, and the refusal heads her tab.
        var approve = channelCard.Buttons.Single(b => b.ActionId == SlackActions.Approve).Value;
        Assert.Equal(HttpStatusCode.OK, (await ClickOnHomeAsync(rig, "UALICE", approve)).StatusCode);
        var refusedHome = await rig.WaitForCallsAsync(c => c.Count(x => x.Method == "views.publish" && x.Str("user_id") == "UALICE") == 2, "Alice's tab with the refusal");
        Assert.Contains("You asked for this action", refusedHome.Last(x => x.Method == "views.publish" && x.Str("user_id") == "UALICE").BlocksJson);
        Assert.Equal(ThreadStatus.AwaitingHuman, (await rig.StateAsync(threadId))!.Status);

        // Carol approves from her Home tab: the deploy runs, the tab is published again without it, the channel card says so.
        Assert.Equal(HttpStatusCode.OK, (await ClickOnHomeAsync(rig, "UCAROL", approve)).StatusCode);
        var done = await rig.WaitForAsync(threadId, s => s.Status == ThreadStatus.Completed, "the deploy approved from the Home tab");
        Assert.Equal("slack:UCAROL", Assert.Single(Assert.Single(done.SettledApprovals).Votes).By);
        var afterwards = rig.Slack.Calls.Last(x => x.Method == "views.publish" && x.Str("user_id") == "UCAROL");
        Assert.Contains("Nothing is waiting for your approval.", afterwards.BlocksJson);
        await rig.WaitForCallsAsync(c => c.Any(u => u.Method == "chat.update" && u.Str("channel") == "C123" && u.Ts == channelCard.Ts && u.BlocksJson.Contains("Approved")), "the channel card updated");
        Assert.Empty(rig.Slack.Violations);
    }

    private static async Task<SlackCall> OpenHomeAsync(SlackRig rig, string user, string eventId)
    {
        var before = rig.Slack.CallsTo("views.publish").Count(c => c.Str("user_id") == user);
        var opened = new JsonObject
        {
            ["type"] = "event_callback", ["event_id"] = eventId,
            ["event"] = new JsonObject { ["type"] = "app_home_opened", ["user"] = user, ["channel"] = "D" + user, ["tab"] = "home" },
        };
        Assert.Equal(HttpStatusCode.OK, (await rig.EventAsync(opened)).StatusCode);
        var calls = await rig.WaitForCallsAsync(c => c.Count(x => x.Method == "views.publish" && x.Str("user_id") == user) > before, $"{user}'s Home tab");
        var published = calls.Last(x => x.Method == "views.publish" && x.Str("user_id") == user);
        Assert.Equal("home", (string?)published.Body["view"]!["type"]);
        return published;
    }

    /// <summary>A button press on the Home tab, as Slack sends it: a view container, no channel.</summary>
    private static Task<HttpResponseMessage> ClickOnHomeAsync(SlackRig rig, string user, string value) =>
        rig.InteractAsync(new JsonObject
        {
            ["type"] = "block_actions",
            ["user"] = new JsonObject { ["id"] = user, ["username"] = user.ToLowerInvariant() },
            ["trigger_id"] = "trig-" + Guid.NewGuid().ToString("N"),
            ["container"] = new JsonObject { ["type"] = "view", ["view_id"] = "V" + user },
            ["view"] = new JsonObject { ["id"] = "V" + user, ["type"] = "home" },
            ["actions"] = new JsonArray(new JsonObject { ["action_id"] = SlackActions.Approve, ["value"] = value, ["type"] = "button" }),
        });

    private static IReadOnlyList<(string ActionId, string Value)> HomeButtons(SlackCall publish) =>
        [.. (publish.Body["view"]!["blocks"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Where(b => (string?)b["type"] == "actions")
            .SelectMany(b => (b["elements"] as JsonArray ?? []).OfType<JsonObject>())
            .Select(e => ((string?)e["action_id"] ?? "", (string?)e["value"] ?? ""))];
}
