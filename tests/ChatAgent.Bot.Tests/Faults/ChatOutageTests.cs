using System.Net;
using ChatAgent.Bot.Slack;
using ChatAgent.Bot.Tests.Slack.Support;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.Core.Threads;
using ChatAgent.TestSupport;
using Xunit.Abstractions;

namespace ChatAgent.Bot.Tests.Faults;

/// <summary>
/// Slack's Web API answers only 500 and 429 (with Retry-After) for <see cref="Outage"/>; the threads keep running, and
/// their messages reach the channel afterwards, each posted once and then edited in place.
/// </summary>
public sealed class ChatOutageTests(ITestOutputHelper output)
{
    /// <summary>How long Slack is down. The outbox's retries (1, 2, 5, 10, 15, 30 s …) and the sweeper bridge it.</summary>
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task SlackAnswering500And429ForFifteenSeconds_MessagesArriveAfterwards_EachPostedOnce_CardsUpdatedInPlace()
    {
        // The sweeper also delivers stranded outboxes; short intervals keep the test short and race it with the retries.
        await using var rig = await SlackRig.StartAsync(postgres: true, settings: new Dictionary<string, string?>
        {
            ["Jobs:Sweeper:Interval"] = "00:00:02",
            ["Jobs:Sweeper:StaleAfter"] = "00:00:05",
        });

        // Thread A's card and status are in the channel before Slack goes down.
        var a = SlackRig.ThreadIdFrom(await rig.CommandAsync("/deploy", "api to production", user: "UALICE", channel: "CA"));
        var waiting = await rig.WaitForAsync(a, s => s.Status == ThreadStatus.AwaitingHuman && s.Messages.Values.All(m => m.IsDelivered), "A's card delivered");
        var card = waiting.Messages.Values.Single(m => m.ApprovalId is not null);
        var cardCall = Assert.Single(rig.Slack.CallsTo("chat.postMessage"), c => c.Ok && c.Ts == TsOf(card.Ref));
        var approve = cardCall.Buttons.Single(b => b.ActionId == SlackActions.Approve).Value;

        var outageEnds = rig.Slack.BeginOutage(Outage);
        // During the outage: A is approved with a click (our endpoint, not Slack's), and thread B is launched.
        Assert.Equal(HttpStatusCode.OK, (await rig.ClickAsync(SlackActions.Approve, approve, user: "UBOB", channel: "CA")).StatusCode);
        var b = SlackRig.ThreadIdFrom(await rig.CommandAsync("/deploy", "web to staging", user: "UALICE", channel: "CB"));
        await rig.WaitForAsync(a, s => s.Status == ThreadStatus.Completed, "A completed while Slack is down");
        await rig.WaitForAsync(b, s => s.Status == ThreadStatus.Completed, "B completed while Slack is down");

        // Every message of both threads is delivered after the outage (bounded: the outbox retries within ~35 s).
        var deadline = Outage + TimeSpan.FromSeconds(90);
        var doneA = (await Poll.UntilAsync(() => rig.StateAsync(a), s => s!.Messages.Values.All(m => m.IsDelivered), deadline, "A's messages delivered"))!;
        var doneB = (await Poll.UntilAsync(() => rig.StateAsync(b), s => s!.Messages.Values.All(m => m.IsDelivered), deadline, "B's messages delivered"))!;

        var calls = rig.Slack.Calls;
        var failed = calls.Where(c => !c.Ok).ToList();
        output.WriteLine($"outage {Outage.TotalSeconds} s: {failed.Count} calls refused ({string.Join(", ", failed.GroupBy(c => c.Method).Select(g => $"{g.Key} x{g.Count()}"))}); " +
                         $"{calls.Count(c => c.Ok)} answered");
        Assert.NotEmpty(failed); // the outage was felt: the bot tried while Slack was down

        foreach (var (state, channel) in new[] { (doneA, "CA"), (doneB, "CB") })
        {
            // One successful post per message key, and nothing else posted in the channel.
            var posts = calls.Where(c => c.Ok && c.Method == "chat.postMessage" && c.Str("channel") == channel).ToList();
            var refs = state.Messages.Values.Select(m => TsOf(m.Ref)).ToList();
            Assert.Equal(refs.Order(StringComparer.Ordinal), posts.Select(p => p.Ts!).Order(StringComparer.Ordinal));
            Assert.Equal(refs.Count, refs.Distinct().Count());
            // Later versions went out as edits of those messages.
            Assert.All(calls.Where(c => c.Ok && c.Method == "chat.update" && c.Str("channel") == channel), u => Assert.Contains(u.Ts, refs));
            var final = state.Messages[Core.Runtime.MessageKeys.Final];
            var finalPost = Assert.Single(posts, p => p.Ts == TsOf(final.Ref));
            Assert.True(finalPost.At >= outageEnds, "the final message was posted after the outage");
        }

        // A's card was posted before the outage and now shows the decision: an edit, not a second card.
        Assert.Equal("Deployed api 1.4.2 to production.", doneA.Messages[Core.Runtime.MessageKeys.Final].Text);
        var lastCard = calls.Last(c => c.Ok && c.Method == "chat.update" && c.Ts == TsOf(card.Ref));
        Assert.True(lastCard.At >= outageEnds);
        Assert.Contains("Approved", lastCard.BlocksJson);
        Assert.Contains("<@UBOB>", lastCard.BlocksJson);
        Assert.Empty(lastCard.Buttons);
        Assert.Equal("Deployed web 1.4.2 to staging.", doneB.Messages[Core.Runtime.MessageKeys.Final].Text);
        Assert.Empty(rig.Slack.Violations);
    }

    /// <summary>The Slack <c>ts</c> in a message reference (<c>channel|ts</c>).</summary>
    private static string TsOf(string? messageRef) => messageRef![(messageRef!.IndexOf('|') + 1)..];
}
