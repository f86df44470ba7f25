using ChatAgent.Bot.Slack;
using ChatAgent.Bot.Tests.Slack.Support;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace ChatAgent.Bot.Tests.Slack;

/// <summary>
/// Each rung of the production approval's ladder (remind after 15 min, escalate to sre-leads after 30, expire after
/// an hour) changes the card people see, and the reminder and the escalation each post a message that @mentions
/// whom they concern, because an edited card notifies no one.
/// </summary>
public sealed class SlackApprovalLadderTests
{
    [Fact]
    public async Task Reminder_Escalation_Expiry_EachUpdateTheCard_AndTheNudgesMentionThePeople()
    {
        var clock = new ManualClock();
        await using var rig = await SlackRig.StartAsync(services: s => s.AddSingleton<TimeProvider>(clock));
        var threadId = SlackRig.ThreadIdFrom(await rig.CommandAsync("/deploy", "api to production", user: "UALICE"));
        var card = await SlackApprovalFlowTests.CardAsync(rig);
        var approvalId = (await rig.StateAsync(threadId))!.PendingApprovals.Single().Id;
        var ladder = rig.Host.Get<ApprovalLadderJob>();

        clock.Advance(TimeSpan.FromMinutes(16));
        await ladder.CheckAsync(threadId, approvalId, CancellationToken.None);
        var reminded = await UpdateAsync(rig, card.Ts, "⏰ Reminded <!date^");
        Assert.Contains("Approve", reminded.BlocksJson); // still decidable
        var reminder = await PostAsync(rig, "⏰ Reminder:");
        Assert.StartsWith("<@UBOB> ⏰ Reminder: `deploy_to_production` for thread `" + threadId + "`", reminder.Str("text"));
        Assert.Contains("asked by <@UALICE>", reminder.Str("text"));
        Assert.Equal("C123", reminder.Str("channel"));

        clock.Advance(TimeSpan.FromMinutes(15));
        await ladder.CheckAsync(threadId, approvalId, CancellationToken.None);
        await UpdateAsync(rig, card.Ts, "⏫ Escalated to group:sre-leads <@USAM> <!date^");
        var escalation = await PostAsync(rig, "⏫ Escalated to you:");
        Assert.StartsWith("<@USAM> ⏫ Escalated to you: `deploy_to_production`", escalation.Str("text"));

        clock.Advance(TimeSpan.FromMinutes(30));
        await ladder.CheckAsync(threadId, approvalId, CancellationToken.None);
        var expired = await UpdateAsync(rig, card.Ts, "⌛ *Expired*");
        Assert.Empty(expired.Buttons);
        Assert.Empty(rig.Slack.Violations);
    }

    private static async Task<SlackCall> UpdateAsync(SlackRig rig, string? ts, string text) =>
        (await rig.WaitForCallsAsync(c => c.Any(x => x.Method == "chat.update" && x.Ts == ts && x.BlocksJson.Contains(text)), "the card showing " + text))
            .Last(x => x.Method == "chat.update" && x.Ts == ts && x.BlocksJson.Contains(text));

    private static async Task<SlackCall> PostAsync(SlackRig rig, string text) =>
        Assert.Single(await rig.WaitForCallsAsync(c => c.Any(x => x.Method == "chat.postMessage" && (x.Str("text") ?? "").Contains(text)), "the message " + text),
            x => x.Method == "chat.postMessage" && (x.Str("text") ?? "").Contains(text));
}
