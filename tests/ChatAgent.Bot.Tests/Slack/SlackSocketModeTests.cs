using System.Text.Json.Nodes;
using ChatAgent.Bot.Slack;
using ChatAgent.Bot.Tests.Slack.Support;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.Core.Threads;
using ChatAgent.TestSupport;

namespace ChatAgent.Bot.Tests.Slack;

/// <summary>Socket Mode against a local WebSocket server: envelopes handled and acked, reconnect on disconnect and drops.</summary>
public sealed class SlackSocketModeTests
{
    [Fact]
    public async Task SocketMode_HandlesEnvelopes_AcksThem_AndReconnects()
    {
        await using var rig = await SlackRig.StartAsync(http: false, settings: new Dictionary<string, string?> { ["Slack:AppToken"] = "xapp-test" });
        var first = await SocketAsync(rig, 1);
        Assert.Equal("Bearer xapp-test", rig.Slack.CallsTo("apps.connections.open").First().Authorization);

        await first.SendAsync(new JsonObject
        {
            ["envelope_id"] = "env-1",
            ["type"] = "slash_commands",
            ["accepts_response_payload"] = true,
            ["payload"] = new JsonObject { ["command"] = "/deploy", ["text"] = "api to staging", ["user_id"] = "UALICE", ["user_name"] = "alice", ["channel_id"] = "C123", ["trigger_id"] = "trig-sm-1" },
        });
        var ack = await AckAsync(first, "env-1");
        Assert.Equal("ephemeral", (string?)ack["payload"]!["response_type"]);
        Assert.StartsWith("Started deploy as", (string?)ack["payload"]!["text"]);

        // Slack asks for a reconnect; then the connection drops outright.
        await first.SendAsync(new JsonObject { ["type"] = "disconnect", ["reason"] = "refresh_requested" });
        var second = await SocketAsync(rig, 2);
        second.Abort();
        var third = await SocketAsync(rig, 3);

        await third.SendAsync(new JsonObject
        {
            ["envelope_id"] = "env-2",
            ["type"] = "events_api",
            ["payload"] = new JsonObject
            {
                ["type"] = "event_callback", ["event_id"] = "EvSM1",
                ["event"] = new JsonObject { ["type"] = "app_mention", ["user"] = "UALICE", ["text"] = "<@UBOT> deploy web", ["channel"] = "C123", ["ts"] = "1700000900.000100" },
            },
        });
        await AckAsync(third, "env-2");

        var threads = await Poll.UntilAsync(rig.ThreadsAsync, t => t.Count == 2, what: "two threads launched over Socket Mode");
        foreach (var t in threads) await rig.WaitForAsync(t.Id, s => s.Status == ThreadStatus.Completed, "the deploys");
        Assert.Empty(rig.Slack.Violations);
    }

    [Fact]
    public async Task SocketMode_ApproveClick_DecidesAsTheClicker_UpdatesTheCard_AndANonApproverIsRefused()
    {
        await using var rig = await SlackRig.StartAsync(http: false, settings: new Dictionary<string, string?>
        {
            ["Slack:AppToken"] = "xapp-test",
            ["Approvals:Groups:deployers:0"] = "slack:UBOB",
        });
        var socket = await SocketAsync(rig, 1);
        await socket.SendAsync(new JsonObject
        {
            ["envelope_id"] = "env-launch",
            ["type"] = "slash_commands",
            ["accepts_response_payload"] = true,
            ["payload"] = new JsonObject { ["command"] = "/deploy", ["text"] = "api to production", ["user_id"] = "UALICE", ["user_name"] = "alice", ["channel_id"] = "C123", ["trigger_id"] = "trig-sm-click" },
        });
        var threadId = SlackRig.ThreadIdFrom((JsonObject)(await AckAsync(socket, "env-launch"))["payload"]!);
        var card = await SlackApprovalFlowTests.CardAsync(rig);
        var approve = card.Buttons.Single(b => b.ActionId == SlackActions.Approve).Value;

        await socket.SendAsync(Click("env-eve", approve, "UEVE"));
        await AckAsync(socket, "env-eve");
        var refusal = (await rig.WaitForCallsAsync(c => c.Any(x => x.Method == "chat.postEphemeral" && x.Str("user") == "UEVE"), "the refusal only Eve sees"))
            .First(x => x.Method == "chat.postEphemeral" && x.Str("user") == "UEVE");
        Assert.Equal("C123", refusal.Str("channel"));
        Assert.Equal(ThreadStatus.AwaitingHuman, (await rig.StateAsync(threadId))!.Status);

        await socket.SendAsync(Click("env-bob", approve, "UBOB"));
        await AckAsync(socket, "env-bob");
        var done = await rig.WaitForAsync(threadId, s => s.Status == ThreadStatus.Completed, "completion after Bob's click");
        Assert.Equal("Deployed api 1.4.2 to production.", done.Summary);
        var settled = Assert.Single(done.SettledApprovals);
        Assert.Equal((ApprovalOutcome.Granted, "slack:UBOB"), (settled.Outcome, settled.DecidingVote?.By));
        Assert.Single(settled.Votes);
        await rig.WaitForCallsAsync(c => c.Any(x => x.Method == "chat.update" && x.Ts == card.Ts && x.Buttons.Count == 0 && x.BlocksJson.Contains("<@UBOB>")), "the card updated in place");
        Assert.Empty(rig.Slack.Violations);
    }

    /// <summary>An <c>interactive</c> envelope: <paramref name="user"/> clicked the button with <paramref name="value"/>.</summary>
    private static JsonObject Click(string envelopeId, string value, string user) => new()
    {
        ["envelope_id"] = envelopeId,
        ["type"] = "interactive",
        ["accepts_response_payload"] = false,
        ["payload"] = new JsonObject
        {
            ["type"] = "block_actions",
            ["user"] = new JsonObject { ["id"] = user, ["username"] = user.ToLowerInvariant(), ["name"] = user.ToLowerInvariant() },
            ["trigger_id"] = "trig-" + envelopeId,
            ["channel"] = new JsonObject { ["id"] = "C123" },
            ["container"] = new JsonObject { ["type"] = "message", ["channel_id"] = "C123" },
            ["actions"] = new JsonArray(new JsonObject { ["action_id"] = SlackActions.Approve, ["value"] = value, ["type"] = "button" }),
        },
    };

    private static async Task<FakeSocket> SocketAsync(SlackRig rig, int count) =>
        (await Poll.UntilAsync(() => Task.FromResult(rig.Slack.Sockets.ToList()), s => s.Count >= count, what: $"Socket Mode connection {count}"))[count - 1];

    private static async Task<JsonObject> AckAsync(FakeSocket socket, string envelopeId) =>
        (await Poll.UntilAsync(() => Task.FromResult(socket.Received.ToList()), r => r.Any(m => (string?)m["envelope_id"] == envelopeId), what: "the ack of " + envelopeId))
            .First(m => (string?)m["envelope_id"] == envelopeId);
}
