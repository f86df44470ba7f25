using ChatAgent.Bot.Slack;
using ChatAgent.Bot.Tests.Slack.Support;
using ChatAgent.Core.Threads;

namespace ChatAgent.Bot.Tests.Slack;

/// <summary>
/// The approval card tells the whole story: the pre-action check that ran before anyone was asked, and, after the
/// approved call ran, whether its verification passed; a failed verification is visible on the same card.
/// </summary>
public sealed class SlackCardStoryTests
{
    [Fact]
    public async Task ProductionCard_ShowsThePreActionCheck_ThenTheVerificationAfterTheDeploy()
    {
        await using var rig = await SlackRig.StartAsync();
        var threadId = SlackRig.ThreadIdFrom(await rig.CommandAsync("/deploy", "api to production", user: "UALICE"));
        var card = await SlackApprovalFlowTests.CardAsync(rig);
        Assert.Contains("*Checked before asking:*\\n✓ staging runs this version", card.BlocksJson);
        Assert.DoesNotContain("Ran and verified", card.BlocksJson);

        await rig.ClickAsync(SlackActions.Approve, card.Buttons.Single(b => b.ActionId == SlackActions.Approve).Value, user: "UBOB");

        await rig.WaitForAsync(threadId, s => s.Status == ThreadStatus.Completed && s.Messages.Values.All(m => m.IsDelivered), "the deploy delivered");
        var last = rig.Slack.Calls.Last(c => c.Method == "chat.update" && c.Ts == card.Ts);
        Assert.Contains("✅ *Approved* by <@UBOB>", last.BlocksJson);
        Assert.Contains("✓ staging runs this version", last.BlocksJson);
        Assert.Contains("*Ran and verified.*\\n✓ result.deployed = true\\n✓ production answers with the deployed version", last.BlocksJson);
        Assert.Empty(rig.Slack.Violations);
    }

    [Fact]
    public async Task FailedVerification_IsShownOnTheApprovalCard()
    {
        await using var rig = await SlackRig.StartAsync();
        var threadId = SlackRig.ThreadIdFrom(await rig.CommandAsync("/deploy", "api to production", user: "UALICE"));
        var card = await SlackApprovalFlowTests.CardAsync(rig);
        // The deploy "works", but production does not answer afterwards.
        File.WriteAllText(Path.Combine(rig.Host.DataDir, "unhealthy-api-production"), "");

        await rig.ClickAsync(SlackActions.Approve, card.Buttons.Single(b => b.ActionId == SlackActions.Approve).Value, user: "UBOB");

        var update = (await rig.WaitForCallsAsync(c => c.Any(x => x.Method == "chat.update" && x.Ts == card.Ts && x.BlocksJson.Contains("verification FAILED")), "the card showing the failed verification"))
            .Last(x => x.Method == "chat.update" && x.Ts == card.Ts && x.BlocksJson.Contains("verification FAILED"));
        Assert.Contains("⚠️ *Ran, but its verification FAILED: check what it did.*", update.BlocksJson);
        Assert.Contains("✗ production answers with the deployed version", update.BlocksJson);
        Assert.Contains("✓ result.deployed = true", update.BlocksJson);
        var errors = (await rig.StateAsync(threadId))!.TotalErrors;
        Assert.True(errors >= 1, "the failed verification is an error the agent sees");
        Assert.Empty(rig.Slack.Violations);
    }
}
