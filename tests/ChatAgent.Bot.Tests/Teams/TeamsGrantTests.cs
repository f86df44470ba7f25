using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.Core.Runtime;
using ChatAgent.TestSupport;

namespace ChatAgent.Bot.Tests.Teams;

/// <summary>"Approve and allow for 1 h" from the Teams card (an Action.Execute invoke, as Teams sends it) on PostgreSQL.</summary>
public sealed class TeamsGrantTests
{
    [Fact]
    public async Task TheAllowButton_GrantsForTheOffer_AndTheRequesterCannotGrantTheirOwn()
    {
        using var agents = SampleAgents.WithToolsLine("      confirm: true\n", "      confirm: true\n      grants: {on: [service], max_for: 30m}\n");
        await using var bed = await TeamsTestBed.StartAsync(postgres: true, settings: new Dictionary<string, string?> { ["Agents:Path"] = agents.Path });
        await bed.PostAsync(bed.Message("deploy api to production"));
        var card = (await bed.ConnectorCallAsync(c => c.Cards.Any(TeamsApprovalTests.IsPendingApproval), "the approval card")).Cards.Single(TeamsApprovalTests.IsPendingApproval);
        // The policy's longest grant is 30 minutes, so that is what the card offers.
        Assert.Contains("\"title\":\"Approve and allow for 30 min\"", card.GetRawText());
        Assert.Contains("\"verb\":\"approve_allow\"", card.GetRawText());
        var (threadId, approvalId) = TeamsApprovalTests.Ids(card);

        var own = await bed.PostAsync(bed.Invoke("approve_allow", threadId, approvalId, "alice"));
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Empty((await bed.Host.Client.GetFromJsonAsync<JsonElement[]>("/api/grants?all=true"))!);

        var pressed = await bed.PostAsync(bed.Invoke("approve_allow", threadId, approvalId, "bob"));
        Assert.Equal(HttpStatusCode.OK, pressed.StatusCode);
        var grant = Assert.Single((await bed.Host.Client.GetFromJsonAsync<JsonElement[]>("/api/grants"))!);
        Assert.Equal(("teams:aad-bob", """{"service":"api"}"""), (grant.GetProperty("grantedBy").GetString(), grant.GetProperty("constraints").GetRawText()));
        var lasts = grant.GetProperty("expiresAt").GetDateTimeOffset() - grant.GetProperty("createdAt").GetDateTimeOffset();
        Assert.InRange(lasts, TimeSpan.FromMinutes(30) - TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(30));
        var settled = (await pressed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("value").GetRawText();
        Assert.Contains("Approved: deploy_to_production", settled);
    }
}
