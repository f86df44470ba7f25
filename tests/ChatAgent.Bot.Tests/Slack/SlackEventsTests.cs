using System.Net;
using System.Text.Json.Nodes;
using ChatAgent.Bot.Tests.Slack.Support;
using ChatAgent.Core.Threads;

namespace ChatAgent.Bot.Tests.Slack;

/// <summary>The Events API: mentions and DMs launch threads (once per event id), replies answer questions, bots are ignored.</summary>
public sealed class SlackEventsTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RetriedEventDelivery_LaunchesOneThread_AndARetryAloneStillLaunches(bool postgres)
    {
        await using var rig = await SlackRig.StartAsync(postgres);
        var mention = Mention("Ev001", "<@UBOT> deploy api to staging", ts: "1700000100.000100");

        Assert.Equal(HttpStatusCode.OK, (await rig.EventAsync(mention)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await rig.EventAsync(mention, retryNum: 1)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await rig.EventAsync(mention, retryNum: 2)).StatusCode);

        var thread = Assert.Single(await rig.ThreadsAsync());
        var state = await rig.WaitForAsync(thread.Id, s => s.Status == ThreadStatus.Completed, "the staging deploy");
        Assert.Equal("C123", state.Origin.Conversation);
        Assert.Equal("1700000100.000100", state.Origin.ThreadRef); // replies go to the mention's Slack thread
        Assert.Equal("slack:UALICE", state.RequestedBy);

        // A delivery that only ever arrived as a retry is processed like any other.
        Assert.Equal(HttpStatusCode.OK, (await rig.EventAsync(Mention("Ev002", "<@UBOT> deploy web to staging", ts: "1700000200.000100"), retryNum: 1)).StatusCode);
        var both = await rig.ThreadsAsync();
        Assert.Equal(2, both.Count);
        foreach (var t in both) await rig.WaitForAsync(t.Id, s => s.Status == ThreadStatus.Completed, "both deploys");
        await rig.WaitForCallsAsync(c => c.Any(x => x.Method == "chat.postMessage" && x.Str("thread_ts") == "1700000100.000100"), "a post in the mention's thread");
        Assert.Empty(rig.Slack.Violations);
    }

    [Fact]
    public async Task ReplyInTheThread_AnswersThePendingQuestion()
    {
        await using var rig = await SlackRig.StartAsync();
        await rig.EventAsync(Mention("Ev010", "<@UBOT> incident checkout is down", ts: "1700000300.000100"));
        var threadId = Assert.Single(await rig.ThreadsAsync()).Id;
        await rig.WaitForAsync(threadId, s => s.PendingQuestion is not null, "the question");
        await rig.WaitForCallsAsync(c => c.Any(x => x.Method == "chat.postMessage" && x.BlocksJson.Contains("customer impact")), "the question posted");

        var reply = new JsonObject
        {
            ["type"] = "event_callback",
            ["event_id"] = "Ev011",
            ["event"] = new JsonObject
            {
                ["type"] = "app_mention", ["user"] = "UALICE", ["text"] = "<@UBOT> all EU customers cannot pay",
                ["channel"] = "C123", ["ts"] = "1700000301.000100", ["thread_ts"] = "1700000300.000100",
            },
        };
        Assert.Equal(HttpStatusCode.OK, (await rig.EventAsync(reply)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await rig.EventAsync(reply, retryNum: 1)).StatusCode);

        var done = await rig.WaitForAsync(threadId, s => s.IsEnded, "the incident to be opened");
        Assert.Single(await rig.ThreadsAsync());
        Assert.Contains(done.Results, r => r.Tool == "ask_human" && r.Result.GetRawText().Contains("all EU customers cannot pay"));
        Assert.Empty(rig.Slack.Violations);
    }

    [Fact]
    public async Task DirectMessage_Launches_AndBotMessagesAreIgnored()
    {
        await using var rig = await SlackRig.StartAsync();
        var dm = new JsonObject
        {
            ["type"] = "event_callback", ["event_id"] = "Ev020",
            ["event"] = new JsonObject { ["type"] = "message", ["channel_type"] = "im", ["user"] = "UALICE", ["text"] = "deploy api", ["channel"] = "D1", ["ts"] = "1700000400.000100" },
        };
        var fromBot = new JsonObject
        {
            ["type"] = "event_callback", ["event_id"] = "Ev021",
            ["event"] = new JsonObject { ["type"] = "message", ["channel_type"] = "im", ["bot_id"] = "B1", ["user"] = "UBOT", ["text"] = "deploy api", ["channel"] = "D1", ["ts"] = "1700000401.000100" },
        };

        await rig.EventAsync(fromBot);
        Assert.Empty(await rig.ThreadsAsync());
        await rig.EventAsync(dm);
        var thread = Assert.Single(await rig.ThreadsAsync());
        Assert.Equal("deploy", thread.Agent);
        var state = await rig.WaitForAsync(thread.Id, s => s.Status == ThreadStatus.Completed, "the DM's deploy");
        Assert.Equal("D1", state.Origin.Conversation);
    }

    [Fact]
    public async Task UnknownWords_GetTheUsage_OnlyTheAskerSees()
    {
        await using var rig = await SlackRig.StartAsync();

        await rig.EventAsync(Mention("Ev030", "<@UBOT> make me a sandwich", ts: "1700000500.000100"));

        Assert.Empty(await rig.ThreadsAsync());
        var usage = Assert.Single(rig.Slack.CallsTo("chat.postEphemeral"));
        Assert.Equal("UALICE", usage.Str("user"));
        Assert.Contains("I don't know \"make\"", usage.Str("text"));
        Assert.Contains("deploy <service>", usage.Str("text"));
    }

    private static JsonObject Mention(string eventId, string text, string ts) => new()
    {
        ["type"] = "event_callback",
        ["event_id"] = eventId,
        ["event_time"] = 1700000000,
        ["event"] = new JsonObject { ["type"] = "app_mention", ["user"] = "UALICE", ["text"] = text, ["channel"] = "C123", ["ts"] = ts },
    };
}
