using System.Text.Json;
using ChatAgent.Bot.Slack;
using ChatAgent.Bot.Teams.Cards;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.Core.Events;
using ChatAgent.Core.Threads;
using ChatAgent.Core.Tools;

namespace ChatAgent.Bot.Tests.Security;

/// <summary>An approval card never shows part of the call being approved: whole, or a digest and a link to the whole.</summary>
public sealed class ApprovalCardParametersTests
{
    private const string Digest = "9f2c8e61d3a4b5c6d7e8f90112233445566778899aabbccddeeff00112233445";

    private static ThreadState Waiting(JsonElement parameters)
    {
        var at = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
        var alice = Actor.User("web:alice", "alice");
        return ThreadReducer.Replay([
            new StoredEvent("th_cardtest", 1, at, alice, new ThreadStarted("deploy", "api to production", new Dictionary<string, string>(), new Origin("web"), 8)),
            new StoredEvent("th_cardtest", 2, at, Actor.Agent, new ApprovalRequested("ap_1", "tc_1", "deploy_to_production", parameters, Digest, null, "web:alice",
                new ApprovalPolicy(["group:deployers"]), at.AddHours(1))),
        ]);
    }

    private static JsonElement Params(int notesLength) =>
        JsonSerializer.SerializeToElement(new { service = "api", version = "1.4.2", notes = new string('n', notesLength) + "-END" });

    [Fact]
    public async Task ACallTooLargeForTheCard_IsShownAsItsDigestAndALinkToTheFullCall_NeverClipped()
    {
        await using var host = await BotHost.StartAsync(new Dictionary<string, string?> { ["WebChat:Url"] = "https://bot.example.com/" });
        var large = Waiting(Params(10_000));
        var message = new ChatMessage("approval:ap_1", "approval", "Approval needed: deploy_to_production", "ap_1", null, 2);

        var slack = JsonSerializer.Serialize(host.Get<SlackCards>().Approval(large, message).Blocks, SlackJson.Options);
        var teams = JsonSerializer.Serialize(host.Get<TeamsCards>().Approval(large, "ap_1", null));
        foreach (var card in new[] { slack, teams })
        {
            Assert.Contains("too large for this card", card);
            Assert.Contains(Digest, card);
            Assert.Contains("https://bot.example.com/#thread=th_cardtest", card);
            Assert.DoesNotContain("nnnnnnnnnn", card);
        }

        // A call that fits is shown whole, to its last character.
        var small = Waiting(Params(200));
        Assert.Contains("-END", JsonSerializer.Serialize(host.Get<SlackCards>().Approval(small, message).Blocks, SlackJson.Options));
        Assert.Contains("-END", JsonSerializer.Serialize(host.Get<TeamsCards>().Approval(small, "ap_1", null)));
    }
}
