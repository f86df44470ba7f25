using System.Net;
using ChatAgent.Bot.Tests.Slack.Support;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.Bot.Tests.Teams;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Threads;
using ChatAgent.Jobs.Cron;
using ChatAgent.TestSupport;

namespace ChatAgent.Bot.Tests.Hosting;

/// <summary>
/// The daily summary, from its cron occurrence firing to the posts people read: with Slack's default channel and an
/// installed Teams channel both configured, each gets the summary, once, and nothing else.
/// </summary>
public sealed class DailySummaryPostTests
{
    private const string SlackChannel = "C0SUMMARY";
    private const string TeamsChannel = "19:summary@thread.tacv2";

    [Fact]
    public async Task CronOccurrence_PostsOneSummary_ToSlacksAndTeamsDefaults()
    {
        await using var slack = await FakeSlackApi.StartAsync();
        await using var bed = await TeamsTestBed.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Slack:SigningSecret"] = SlackRig.Secret,
            ["Slack:BotToken"] = SlackRig.BotToken,
            ["Slack:ApiBaseUrl"] = slack.BaseUrl.ToString(),
            ["Slack:DefaultChannel"] = SlackChannel,
            ["Teams:DefaultConversation"] = TeamsChannel,
        });
        Assert.Equal(HttpStatusCode.OK, (await bed.PostAsync(Install(bed))).StatusCode);
        var welcome = await bed.ConnectorCallAsync(c => c.Text?.Contains("Say \"help\"") == true, "the welcome in the summary channel");

        await bed.Host.Get<CronLaunchJob>().RunAsync("daily-summary", "daily-summary:cron:0", CancellationToken.None);

        var store = bed.Host.Get<IEventStore>();
        var threads = await Poll.UntilAsync(
            async () => await Task.WhenAll((await store.ListAsync(new ThreadQuery())).Select(async t => ThreadReducer.Replay(await store.ReadAsync(t.Id)))),
            all => all.Length == 2 && all.All(s => s.Status == ThreadStatus.Completed && s.Messages.Values.All(m => m.IsDelivered)),
            TeamsTestBed.Patience, "both summaries completed and delivered");
        Assert.Equal(["slack", "teams"], threads.Select(t => t.Origin.Platform).Order(StringComparer.Ordinal));

        var slackPosts = slack.Calls.Where(c => c.Method is "chat.postMessage" or "chat.update").ToList();
        var slackPost = Assert.Single(slackPosts);
        Assert.Equal(("chat.postMessage", SlackChannel), (slackPost.Method, slackPost.Str("channel")));
        Assert.StartsWith("Daily summary: ", slackPost.Str("text"));

        var teamsPosts = bed.Fake.ConnectorCalls.Where(c => !ReferenceEquals(c, welcome) && c.Path.Contains("/activities")).ToList();
        var teamsPost = Assert.Single(teamsPosts);
        Assert.Equal(("POST", "/connector/v3/conversations/" + Uri.EscapeDataString(TeamsChannel) + "/activities"), (teamsPost.Method, teamsPost.Path));
        Assert.Contains("Daily summary: ", teamsPost.Text);
    }

    /// <summary>The bot added to the team's summary channel, as Teams announces it (this stores the conversation reference).</summary>
    private static object Install(TeamsTestBed bed) => new
    {
        type = "conversationUpdate",
        id = "upd-summary",
        serviceUrl = bed.Fake.ServiceUrl,
        channelId = "msteams",
        from = TeamsTestBed.User("alice"),
        conversation = new { id = TeamsChannel, tenantId = TeamsTestBed.Tenant, conversationType = "channel" },
        recipient = new { id = "28:" + TeamsTestBed.AppId, name = "ChatAgent" },
        membersAdded = new[] { new { id = "28:" + TeamsTestBed.AppId } },
        channelData = new { tenant = new { id = TeamsTestBed.Tenant }, team = new { id = TeamsChannel, name = "Ops" } },
    };
}
