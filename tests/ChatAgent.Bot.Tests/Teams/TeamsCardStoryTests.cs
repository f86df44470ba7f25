using System.Net;

namespace ChatAgent.Bot.Tests.Teams;

/// <summary>
/// The Adaptive Card tells the whole story, as Slack's does: the pre-action check before anyone was asked, and once
/// the approved deploy ran, its verification, on the shared copy of the card everyone in the conversation sees.
/// </summary>
public sealed class TeamsCardStoryTests
{
    [Fact]
    public async Task ProductionCard_ShowsThePreActionCheck_ThenTheVerificationOnTheSharedCopy()
    {
        await using var bed = await TeamsTestBed.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await bed.PostAsync(bed.Message("deploy api to production"))).StatusCode);
        var card = (await bed.ConnectorCallAsync(c => c.Cards.Any(TeamsApprovalTests.IsPendingApproval), "the approval card")).Cards.Single();
        var pending = card.GetRawText();
        Assert.Contains("\"text\":\"Checked before asking\"", pending);
        Assert.Contains("\"text\":\"✓ staging runs this version\"", pending);
        var (threadId, approvalId) = TeamsApprovalTests.Ids(card);

        Assert.Equal(HttpStatusCode.OK, (await bed.PostAsync(bed.Invoke("approve", threadId, approvalId, "bob"))).StatusCode);

        var verified = await bed.ConnectorCallAsync(c => c.Method == "PUT" && c.Cards.Any(x => x.GetRawText().Contains("Ran and verified.")), "the shared card showing the verification");
        var text = verified.Cards.Single().GetRawText();
        Assert.Contains("\"text\":\"Approved: deploy_to_production\"", text);
        Assert.Contains("\"text\":\"✓ result.deployed = true\"", text);
        Assert.Contains("\"text\":\"✓ production answers with the deployed version\"", text);
        Assert.Empty(AdaptiveCardChecker.Check(verified.Cards.Single()));
    }
}
