using ChatAgent.Bot.Slack;
using ChatAgent.Bot.Tests.Slack.Support;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Threads;
using ChatAgent.TestSupport;

namespace ChatAgent.Bot.Tests.Slack;

/// <summary><c>/agent grants</c> and <c>/agent revoke</c> as Slack sends them (signed slash commands) on PostgreSQL.</summary>
public sealed class SlackGrantsCommandsTests
{
    [Fact]
    public async Task Grants_ListsTheLiveOnes_AndRevoke_StopsOne_OnlyForThoseWhoMay()
    {
        using var agents = SampleAgents.WithToolsLine("      confirm: true\n", "      confirm: true\n      grants: {on: [service], max_for: 2h}\n");
        await using var rig = await SlackRig.StartAsync(postgres: true, settings: new Dictionary<string, string?>
        {
            ["Approvals:Groups:deployers:0"] = "slack:UBOB",
            ["Agents:Path"] = agents.Path,
        });
        Assert.Equal("No standing grants are live.", (string?)(await rig.CommandAsync("/agent", "grants"))["text"]);
        var threadId = SlackRig.ThreadIdFrom(await rig.CommandAsync("/deploy", "api to production", user: "UALICE"));
        var waiting = await rig.WaitForAsync(threadId, s => s.PendingApprovals.Count == 1, "the approval");
        var allowed = await rig.Host.Get<ThreadService>().ApproveAndAllowAsync(threadId, waiting.PendingApprovals[0].Id, TimeSpan.FromHours(1), Actor.User("slack:UBOB", "Bob"), null);
        Assert.True(allowed.Accepted, allowed.Message);

        var listed = (string?)(await rig.CommandAsync("/agent", "grants", user: "UEVE"))["text"];
        Assert.StartsWith("Standing grants (1):", listed);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(listed!, @"`gr_[a-z0-9]+`: `deploy_to_production` with service=api, granted by Bob, until <!date\^\d+\^\{date_short_pretty\} \{time\}\|\d{4}-\d\d-\d\d \d\d:\d\d UTC>"), listed);
        var grantId = System.Text.RegularExpressions.Regex.Match(listed!, "`(gr_[a-z0-9]+)`").Groups[1].Value;

        Assert.StartsWith("Name the grant", (string?)(await rig.CommandAsync("/agent", "revoke"))["text"]);
        Assert.StartsWith("Only Bob, an approver of deploy_to_production or an operator", (string?)(await rig.CommandAsync("/agent", $"revoke {grantId}", user: "UEVE"))["text"]);
        Assert.Equal($"Revoked `{grantId}`: it covers no call from now on.", (string?)(await rig.CommandAsync("/agent", $"revoke {grantId} freeze", user: "UBOB"))["text"]);
        Assert.Equal($"Grant {grantId} is already revoked.", (string?)(await rig.CommandAsync("/agent", $"revoke {grantId}", user: "UBOB"))["text"]);
        Assert.Equal("No standing grants are live.", (string?)(await rig.CommandAsync("/agent", "grants"))["text"]);

        var revoked = Assert.Single(await rig.Host.Get<ThreadService>().GetEventsAsync(threadId), e => e.Data is GrantRevoked);
        Assert.Equal(("slack:UBOB", "freeze"), (revoked.Actor.Id, ((GrantRevoked)revoked.Data).Reason));
        Assert.Empty(rig.Slack.Violations);
    }

    [Fact]
    public async Task TheCardsAllowButton_ApprovesAndGrants_SoTheNextDeployOfThatServiceByAnotherPersonRunsWithoutACard()
    {
        using var agents = SampleAgents.WithToolsLine("      confirm: true\n", "      confirm: true\n      grants: {on: [service], max_for: 2h}\n");
        await using var rig = await SlackRig.StartAsync(postgres: true, settings: new Dictionary<string, string?>
        {
            ["Approvals:Groups:deployers:0"] = "slack:UBOB",
            ["Agents:Path"] = agents.Path,
        });
        var first = SlackRig.ThreadIdFrom(await rig.CommandAsync("/deploy", "api to production", user: "UALICE"));
        var card = await SlackApprovalFlowTests.CardAsync(rig);
        var allow = Assert.Single(card.Buttons, b => b.ActionId == SlackActions.ApproveAndAllow);
        Assert.Contains("Approve and allow for 1 h", card.BlocksJson);

        Assert.Equal(System.Net.HttpStatusCode.OK, (await rig.ClickAsync(SlackActions.ApproveAndAllow, allow.Value, user: "UBOB")).StatusCode);
        await rig.WaitForAsync(first, s => s.Status == ThreadStatus.Completed, "the first deploy");
        var created = (GrantCreated)Assert.Single(await rig.Host.Get<ThreadService>().GetEventsAsync(first), e => e.Data is GrantCreated).Data;
        Assert.Equal("""{"service":"api"}""", System.Text.Json.JsonSerializer.Serialize(created.Constraints));

        var second = SlackRig.ThreadIdFrom(await rig.CommandAsync("/deploy", "api to production", user: "UCAROL"));
        var done = await rig.WaitForAsync(second, s => s.Status == ThreadStatus.Completed, "the covered deploy");
        var vote = Assert.Single(Assert.Single(done.SettledApprovals).Votes);
        Assert.Equal(("slack:UBOB", created.GrantId), (vote.By, vote.Grant));
        Assert.Empty(rig.Slack.Violations);
    }
}
