using System.Net;
using System.Text.Json;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.TestSupport;

namespace ChatAgent.Bot.Tests.Teams;

/// <summary>
/// The approvals inbox on Teams, on PostgreSQL over real HTTP: a proactive 1:1 with the card to each approver of a
/// <c>direct_message: true</c> policy (the Bot Connector's create conversation, as Teams answers it), a decision from that
/// card, and <c>pending</c> in the personal chat.
/// </summary>
public sealed class TeamsInboxTests
{
    [Fact]
    public async Task EachApprover_GetsTheCardInTheirPersonalChat_APressThereDecides_AndEveryCopyIsReplaced()
    {
        using var agents = SampleAgents.WithToolsLine("      confirm: true\n", "      confirm: true\n      direct_message: true\n");
        await using var bed = await TeamsTestBed.StartAsync(postgres: true, settings: new Dictionary<string, string?>
        {
            ["Agents:Path"] = agents.Path,
            ["Approvals:Groups:deployers:0"] = "teams:aad-bob",
            ["Approvals:Groups:deployers:1"] = "teams:aad-carol",
            ["Approvals:Groups:deployers:2"] = "teams:aad-alice",
        });
        await bed.PostAsync(bed.Message("deploy api to production"));

        await Poll.UntilAsync(() => Task.FromResult(bed.Fake.ConnectorCalls.Count(c => c.Cards.Any(TeamsApprovalTests.IsPendingApproval))), n => n == 3, what: "the card in alice's chat and two personal chats");
        var opened = bed.Fake.ConnectorCalls.Where(c => c.Method == "POST" && c.Path == "/connector/v3/conversations").ToList();
        // Everyone who may decide but the requester, each by Entra object id, in the bot's tenant, from the bot.
        Assert.Equal(["aad-bob", "aad-carol"], opened.Select(c => c.Json.GetProperty("members")[0].GetProperty("id").GetString()).Order());
        Assert.All(opened, c => Assert.Equal(("28:" + TeamsTestBed.AppId, TeamsTestBed.Tenant, false),
            (c.Json.GetProperty("bot").GetProperty("id").GetString(), c.Json.GetProperty("tenantId").GetString(), c.Json.GetProperty("isGroup").GetBoolean())));
        var chats = opened.Select(c => JsonDocument.Parse(c.Response).RootElement.GetProperty("id").GetString()!).ToList();
        var copies = bed.Fake.ConnectorCalls.Where(c => c.Cards.Any(TeamsApprovalTests.IsPendingApproval) && chats.Any(chat => c.Path == $"/connector/v3/conversations/{Uri.EscapeDataString(chat)}/activities")).ToList();
        Assert.Equal(2, copies.Count);
        var (threadId, approvalId) = TeamsApprovalTests.Ids(copies[0].Cards.Single());

        var pressed = await bed.PostAsync(bed.Invoke("approve", threadId, approvalId, "bob"));
        Assert.Equal(HttpStatusCode.OK, pressed.StatusCode);
        await Poll.UntilAsync(() => bed.ThreadAsync(threadId), t => t.GetProperty("status").GetString() == "completed", what: "the deploy approved from a personal chat");

        // Both personal-chat copies are replaced in place with the decided card.
        foreach (var copy in copies)
            await bed.ConnectorCallAsync(c => c.Method == "PUT" && c.Path == copy.Path + "/" + copy.CreatedId
                && c.Cards.Any(card => card.GetRawText().Contains("Approved") && !TeamsApprovalTests.IsPendingApproval(card)), "a copy replaced with the decision");
        bed.AssertEveryCardValid();
    }

    [Fact]
    public async Task Pending_InThePersonalChat_ListsOnlyWhatThePersonMayDecide_AsCards()
    {
        await using var bed = await TeamsTestBed.StartAsync(postgres: true);
        await bed.PostAsync(bed.Message("deploy api to production"));
        await bed.ConnectorCallAsync(c => c.Cards.Any(TeamsApprovalTests.IsPendingApproval), "the approval card");

        await bed.PostAsync(bed.Message("pending", user: "bob"));
        var bobs = await bed.ConnectorCallAsync(c => c.Text == "1 approval(s) waiting for you.", "bob's pending");
        Assert.True(TeamsApprovalTests.IsPendingApproval(Assert.Single(bobs.Cards)));

        await bed.PostAsync(bed.Message("pending", user: "alice"));
        await bed.ConnectorCallAsync(c => c.Text == "Nothing is waiting for your approval.", "alice's pending: her own request is not hers to decide");
    }
}
