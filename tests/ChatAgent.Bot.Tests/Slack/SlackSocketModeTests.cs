using System.Text.Json.Nodes;
using ChatAgent.Bot.Tests.Slack.Support;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.Core.Threads;

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

    private static async Task<FakeSocket> SocketAsync(SlackRig rig, int count) =>
        (await Poll.UntilAsync(() => Task.FromResult(rig.Slack.Sockets.ToList()), s => s.Count >= count, what: $"Socket Mode connection {count}"))[count - 1];

    private static async Task<JsonObject> AckAsync(FakeSocket socket, string envelopeId) =>
        (await Poll.UntilAsync(() => Task.FromResult(socket.Received.ToList()), r => r.Any(m => (string?)m["envelope_id"] == envelopeId), what: "the ack of " + envelopeId))
            .First(m => (string?)m["envelope_id"] == envelopeId);
}
