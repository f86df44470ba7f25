using ChatAgent.Bot.Slack;
using ChatAgent.Bot.Tests.Slack.Support;
using ChatAgent.Core.Threads;

namespace ChatAgent.Bot.Tests.Slack;

/// <summary>
/// A slash command in a private channel the bot is not a member of: Slack answers <c>not_in_channel</c> to every post
/// there. The person is told, privately and once, how to invite the bot; the approval card still reaches the channel
/// through the command's <c>response_url</c>, the approver's click decides, and the thread runs to its end instead of
/// retrying posts that can never land.
/// </summary>
public sealed class SlackPrivateChannelTests
{
    private const string Private = "GPRIVATE";

    [Fact]
    public async Task CommandInAChannelTheBotIsNotIn_AnswersThroughTheResponseUrl_AndSaysHowToInviteTheBot()
    {
        // The fake Slack listens on loopback; in production only https://hooks.slack.com/ URLs are used.
        await using var rig = await SlackRig.StartAsync(settings: new Dictionary<string, string?> { ["Slack:ResponseUrlPrefix"] = "http://127.0.0.1:" });
        var slack = rig.Slack;
        slack.NotAMemberOf[Private] = true;
        var threadId = SlackRig.ThreadIdFrom(await rig.CommandAsync("/deploy", "api to production", user: "UALICE", channel: Private, responseUrl: slack.ResponseUrl("cmd-1")));

        var card = (await rig.WaitForCallsAsync(c => c.Any(x => x.Method == "response_url" && x.Buttons.Any(b => b.ActionId == SlackActions.Approve)), "the approval card through the response URL"))
            .First(x => x.Method == "response_url" && x.Buttons.Any(b => b.ActionId == SlackActions.Approve));
        Assert.Equal("in_channel", card.Str("response_type"));
        var responses = slack.CallsTo("response_url").ToList();
        var hint = Assert.Single(responses, x => (x.Str("text") ?? "").Contains("/invite @ChatAgent"));
        Assert.Equal("ephemeral", hint.Str("response_type"));
        Assert.True(responses.IndexOf(hint) < responses.IndexOf(card), "the person is told before anything else arrives");
        Assert.Contains(slack.Calls, x => x.Method == "chat.postMessage" && x.Str("channel") == Private && !x.Ok);

        await rig.ClickAsync(SlackActions.Approve, card.Buttons.Single(b => b.ActionId == SlackActions.Approve).Value, user: "UBOB", channel: Private);

        var done = await rig.WaitForAsync(threadId, s => s.Status == ThreadStatus.Completed && s.Messages.Values.All(m => m.IsDelivered), "the deploy to finish with every message handled");
        Assert.Equal("Deployed api 1.4.2 to production.", done.Summary);
        await rig.WaitForCallsAsync(c => c.Any(x => x.Method == "response_url" && x.Str("response_type") == "in_channel" && x.BlocksJson.Contains("✅ *Approved* by <@UBOB>")), "the decided card in the channel");
        Assert.Single(slack.CallsTo("response_url"), x => (x.Str("text") ?? "").Contains("/invite @ChatAgent"));
        Assert.DoesNotContain(slack.Calls, x => x.Method == "response_url" && x.Str("response_type") == "in_channel" && !x.BlocksJson.Contains("deploy_to_production"));
        Assert.Empty(slack.Violations);
    }

    [Fact]
    public async Task AResponseUrlOutsideSlacksHost_IsNeverCalled_AndTheThreadStillRunsToItsEnd()
    {
        // The default prefix is https://hooks.slack.com/: a command naming any other URL cannot make the bot post there.
        await using var rig = await SlackRig.StartAsync();
        rig.Slack.NotAMemberOf[Private] = true;
        var threadId = SlackRig.ThreadIdFrom(await rig.CommandAsync("/deploy", "api to staging", user: "UALICE", channel: Private, responseUrl: rig.Slack.ResponseUrl("elsewhere")));

        var done = await rig.WaitForAsync(threadId, s => s.IsEnded && s.Messages.Values.All(m => m.IsDelivered), "the thread to end with its messages recorded as refused");
        Assert.Equal(ThreadStatus.Completed, done.Status);
        Assert.All(done.Messages.Values, m => Assert.StartsWith("refused:not_in_channel|", m.Ref));
        Assert.Empty(rig.Slack.CallsTo("response_url"));
    }
}
