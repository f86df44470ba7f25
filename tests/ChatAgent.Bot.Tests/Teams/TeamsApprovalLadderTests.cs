using System.Net;
using System.Text.Json;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.Core.Threads;
using ChatAgent.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace ChatAgent.Bot.Tests.Teams;

/// <summary>
/// The ladder on Teams: the reminder and the escalation each replace the shared card with the rung and its time, and
/// post a card that @mentions whom they concern (Teams mention entities with their Entra object ids).
/// </summary>
public sealed class TeamsApprovalLadderTests
{
    [Fact]
    public async Task Reminder_AndEscalation_UpdateTheSharedCard_AndMentionThePeople()
    {
        var clock = new ManualClock();
        await using var bed = await TeamsTestBed.StartAsync(services: s => s.AddSingleton<TimeProvider>(clock));
        Assert.Equal(HttpStatusCode.OK, (await bed.PostAsync(bed.Message("deploy api to production"))).StatusCode);
        var card = (await bed.ConnectorCallAsync(c => c.Cards.Any(TeamsApprovalTests.IsPendingApproval), "the approval card")).Cards.Single();
        var (threadId, approvalId) = TeamsApprovalTests.Ids(card);
        var ladder = bed.Host.Get<ApprovalLadderJob>();

        clock.Advance(TimeSpan.FromMinutes(16));
        await ladder.CheckAsync(threadId, approvalId, CancellationToken.None);
        var reminded = await bed.ConnectorCallAsync(c => c.Method == "PUT" && c.Cards.Any(x => x.GetRawText().Contains("\"title\":\"Reminded\"")), "the shared card showing the reminder");
        Assert.Empty(AdaptiveCardChecker.Check(reminded.Cards.Single()));
        var reminder = await NudgeAsync(bed, "Reminder: deploy_to_production");
        Assert.Equal(["aad-bob"], Mentioned(reminder));
        Assert.StartsWith("<at>aad-bob</at> Reminder: deploy_to_production for thread " + threadId, Text(reminder));

        clock.Advance(TimeSpan.FromMinutes(15));
        await ladder.CheckAsync(threadId, approvalId, CancellationToken.None);
        var escalated = await bed.ConnectorCallAsync(c => c.Method == "PUT" && c.Cards.Any(x => x.GetRawText().Contains("\"title\":\"Escalated to\",\"value\":\"group:sre-leads at ")), "the shared card showing the escalation");
        Assert.Empty(AdaptiveCardChecker.Check(escalated.Cards.Single()));
        var escalation = await NudgeAsync(bed, "Escalated to you: deploy_to_production");
        Assert.Equal(["aad-sam"], Mentioned(escalation));
        Assert.Equal(ThreadStatus.AwaitingHuman, (await bed.Host.Get<Core.Runtime.ThreadService>().GetStateAsync(threadId))!.Status);
    }

    private static async Task<JsonElement> NudgeAsync(TeamsTestBed bed, string text)
    {
        var call = await bed.ConnectorCallAsync(c => c.Method == "POST" && c.Cards.Any(x => x.GetRawText().Contains(text)), "the card " + text);
        var card = call.Cards.Single();
        Assert.Empty(AdaptiveCardChecker.Check(card));
        return card;
    }

    private static string[] Mentioned(JsonElement card) =>
        [.. card.GetProperty("msteams").GetProperty("entities").EnumerateArray().Select(e => e.GetProperty("mentioned").GetProperty("id").GetString()!)];

    private static string Text(JsonElement card) => card.GetProperty("body")[0].GetProperty("text").GetString()!;
}
