using System.Net;
using System.Text.Json.Nodes;
using ChatAgent.Bot.Tests.Slack.Support;
using ChatAgent.Core.Events;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Threads;

namespace ChatAgent.Bot.Tests.Slack;

/// <summary>
/// "Reply in this thread" means what Slack users think it means: a plain reply (no @mention) in the Slack thread of
/// the agent's question answers it, as Slack delivers it (<c>message</c>, <c>channel_type: channel</c>, <c>thread_ts</c>).
/// Only the person asked (the requester) answers that way; colleagues chatting there, bots, edits, and replies in other
/// threads change nothing, and a reply that @mentions the bot is answered once, from its <c>app_mention</c> copy.
/// </summary>
public sealed class SlackThreadReplyTests
{
    [Fact]
    public async Task PlainReplyByThePersonAsked_AnswersTheQuestion_OthersAreNotTakenAsAnswers()
    {
        await using var rig = await SlackRig.StartAsync();
        var threadId = SlackRig.ThreadIdFrom(await rig.CommandAsync("/incident", "checkout is down", user: "UALICE"));
        var question = (await rig.WaitForCallsAsync(c => c.Any(x => x.Method == "chat.postMessage" && x.BlocksJson.Contains("customer impact")), "the question posted"))
            .First(x => x.Method == "chat.postMessage" && x.BlocksJson.Contains("customer impact"));
        var asked = (await rig.WaitForAsync(threadId, s => s.PendingQuestion is not null, "the question")).PendingQuestion!;

        // Not answers: a colleague's chatter, a bot, an edit, a reply in some other thread, and the message copy of a
        // reply that @mentions the bot (its app_mention copy is the one handled).
        foreach (var ignored in new[]
                 {
                     Reply("EvR1", "UCAROL", "is it only EU?", question.Ts!),
                     Reply("EvR2", "UALICE", "bot says hi", question.Ts!, extra: e => e["bot_id"] = "B1"),
                     Reply("EvR3", "UALICE", "edited text", question.Ts!, extra: e => e["subtype"] = "message_changed"),
                     Reply("EvR4", "UALICE", "unrelated thread", "1699999999.000100"),
                     Reply("EvR5", "UALICE", "<@UBOT> all EU customers cannot pay", question.Ts!),
                 })
            Assert.Equal(HttpStatusCode.OK, (await rig.EventAsync(ignored)).StatusCode);
        var still = (await rig.StateAsync(threadId))!;
        Assert.Equal(asked.Id, still.PendingQuestion?.Id);
        Assert.DoesNotContain(await rig.Host.Get<IEventStore>().ReadAsync(threadId), e => e.Data is HumanResponded);
        Assert.Single(await rig.ThreadsAsync());

        var answer = Reply("EvR6", "UALICE", "all EU customers cannot pay", question.Ts!);
        Assert.Equal(HttpStatusCode.OK, (await rig.EventAsync(answer)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await rig.EventAsync(answer, retryNum: 1)).StatusCode);

        var done = await rig.WaitForAsync(threadId, s => s.IsEnded, "the incident to be opened");
        Assert.Equal(ThreadStatus.Completed, done.Status);
        var responded = Assert.Single(await rig.Host.Get<IEventStore>().ReadAsync(threadId), e => e.Data is HumanResponded);
        Assert.Equal(("slack:UALICE", "all EU customers cannot pay"), (responded.Actor.Id, ((HumanResponded)responded.Data).Text));
        Assert.Single(await rig.ThreadsAsync());
        Assert.Empty(rig.Slack.Violations);
    }

    /// <summary>A plain message in a channel's thread, as the Events API delivers it to a bot that subscribes to message.channels.</summary>
    private static JsonObject Reply(string eventId, string user, string text, string threadTs, Action<JsonObject>? extra = null)
    {
        var e = new JsonObject
        {
            ["type"] = "message", ["channel_type"] = "channel", ["user"] = user, ["text"] = text, ["channel"] = "C123",
            ["ts"] = $"17000010{eventId[^1]}0.000100", ["thread_ts"] = threadTs,
        };
        extra?.Invoke(e);
        return new JsonObject
        {
            ["type"] = "event_callback",
            ["event_id"] = eventId,
            ["event_time"] = 1700001000,
            ["authorizations"] = new JsonArray(new JsonObject { ["user_id"] = "UBOT", ["is_bot"] = true }),
            ["event"] = e,
        };
    }
}
