using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatAgent.Bot.Teams;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.Core.Chat;
using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using ChatAgent.TestSupport;

namespace ChatAgent.Bot.Tests.Teams;

public sealed class TeamsConversationTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BotAddedToAChannel_StoresTheConversationReference_AndSaysHello(bool postgres)
    {
        await using var bed = await TeamsTestBed.StartAsync(postgres);
        var update = new
        {
            type = "conversationUpdate",
            id = "upd-1",
            serviceUrl = bed.Fake.ServiceUrl,
            channelId = "msteams",
            from = TeamsTestBed.User("alice"),
            conversation = new { id = "19:general@thread.tacv2", tenantId = TeamsTestBed.Tenant, conversationType = "channel" },
            recipient = new { id = "28:" + TeamsTestBed.AppId, name = "ChatAgent" },
            membersAdded = new[] { new { id = "28:" + TeamsTestBed.AppId } },
            channelData = new { tenant = new { id = TeamsTestBed.Tenant }, team = new { id = "19:general@thread.tacv2", name = "Platform" } },
        };

        Assert.Equal(HttpStatusCode.OK, (await bed.PostAsync(update)).StatusCode);

        var stored = await bed.Host.Get<IConversationReferences>().FindAsync("teams", "19:general@thread.tacv2");
        Assert.NotNull(stored);
        Assert.Equal(bed.Fake.ServiceUrl, stored.ServiceUrl);
        Assert.Equal(TeamsTestBed.Tenant, stored.TenantId);
        Assert.Equal("28:" + TeamsTestBed.AppId, stored.BotId);
        Assert.Equal("Platform", stored.Name);
        var hello = await bed.ConnectorCallAsync(c => c.Text?.Contains("Say \"help\"") == true, "the welcome");
        Assert.Equal("/connector/v3/conversations/" + Uri.EscapeDataString("19:general@thread.tacv2") + "/activities", hello.Path);
    }

    [Fact]
    public async Task CronAgent_PostsItsSummary_ToAnInstalledChannel_ThroughTheStoredReference()
    {
        await using var bed = await TeamsTestBed.StartAsync();
        const string channel = "19:ops@thread.tacv2";
        var install = new
        {
            type = "conversationUpdate",
            id = "upd-ops",
            serviceUrl = bed.Fake.ServiceUrl,
            channelId = "msteams",
            from = TeamsTestBed.User("alice"),
            conversation = new { id = channel, tenantId = TeamsTestBed.Tenant, conversationType = "channel" },
            recipient = new { id = "28:" + TeamsTestBed.AppId, name = "ChatAgent" },
            membersAdded = new[] { new { id = "28:" + TeamsTestBed.AppId } },
            channelData = new { tenant = new { id = TeamsTestBed.Tenant }, team = new { id = channel, name = "Ops" } },
        };
        Assert.Equal(HttpStatusCode.OK, (await bed.PostAsync(install)).StatusCode);

        // What a cron trigger with channel "teams:<id>" (or Teams__DefaultConversation) launches: no service URL of its own.
        var launched = await bed.Host.Get<ThreadService>().LaunchAsync(new LaunchCommand(
            "daily-summary", "Summarize the last 24 hours.", new Origin("teams", channel), Actor.System));
        Assert.True(launched.Accepted, launched.Message);

        var summary = await bed.ConnectorCallAsync(
            c => c.Path == "/connector/v3/conversations/" + Uri.EscapeDataString(channel) + "/activities" && c.Text?.Contains("Daily summary") == true,
            "the daily summary in the ops channel");
        Assert.Equal("POST", summary.Method);
    }

    [Fact]
    public async Task ConnectorRefusal403_IsRecordedAsUndelivered_AndNotRetried()
    {
        await using var bed = await TeamsTestBed.StartAsync();
        bed.Fake.FailNext(403);
        await bed.PostAsync(bed.Message("deploy api to staging"));
        var thread = Assert.Single(await bed.ThreadsAsync());
        var id = thread.GetProperty("id").GetString()!;

        await Poll.UntilAsync(
            async () => (await bed.Host.Client.GetFromJsonAsync<JsonElement[]>($"/api/threads/{id}/events"))!,
            es => es.Any(e => e.GetProperty("type").GetString() == "message_posted" && e.GetProperty("data").GetProperty("ref").GetString()!.StartsWith("refused:403")), TeamsTestBed.Patience);
        Assert.Single(bed.Fake.ConnectorCalls, c => c.Status == 403);
    }

    [Fact]
    public async Task Connector429And502_AreRetried_UntilTheMessageArrives()
    {
        await using var bed = await TeamsTestBed.StartAsync();
        bed.Fake.FailNext(429, 502);
        await bed.PostAsync(bed.Message("deploy api to staging"));
        await bed.ConnectorCallAsync(c => c.Status == 201 && c.Text?.StartsWith("deploy") == true, "the status message after retries");
        Assert.Equal(2, bed.Fake.ConnectorCalls.Count(c => c.Status is 429 or 502));
    }

    [Fact]
    public async Task EmulatorMode_RunsUnauthenticated_ForTheEmulatorChannelOnly()
    {
        await using var bed = await TeamsTestBed.StartAsync(settings: new Dictionary<string, string?> { ["Teams:AppId"] = "", ["Teams:AppPassword"] = "", ["Teams:Emulator"] = "true" });
        Assert.Equal(HttpStatusCode.Unauthorized, (await bed.PostAsync(bed.Message("help"), token: null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bed.PostAsync(bed.Message("help", channelId: "emulator"), token: null)).StatusCode);
        var reply = await bed.ConnectorCallAsync(c => c.Text?.Contains("Say one of") == true, "the help reply");
        Assert.Null(reply.Authorization);
        Assert.Empty(bed.Fake.TokenCalls);
    }
}
