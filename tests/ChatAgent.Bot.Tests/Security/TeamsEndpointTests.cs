using System.Net;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.Bot.Tests.Teams;
using static ChatAgent.Bot.Tests.Security.Appended;

namespace ChatAgent.Bot.Tests.Security;

/// <summary><c>/api/messages</c> exists only with a Teams app (or the local Emulator), and accepts Teams' own channel only.</summary>
public sealed class TeamsEndpointTests
{
    [Fact]
    public async Task WithoutTeamsConfigured_ApiMessagesIs404_AndPostsNothingToTheServiceUrlItNames()
    {
        await using var bed = await TeamsTestBed.StartAsync(postgres: true, settings: new Dictionary<string, string?> { ["Teams:AppId"] = "", ["Teams:AppPassword"] = "" });
        var pending = await bed.PostAsync(bed.Message("pending"), token: null);
        var launch = await bed.PostAsync(bed.Message("deploy api to production"), token: null);
        Assert.Equal(HttpStatusCode.NotFound, pending.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, launch.StatusCode);
        Assert.Equal(0, await ThreadCountAsync(bed.Host));
        Assert.Empty(bed.Fake.ConnectorCalls);
    }

    [Fact]
    public async Task TokenEndorsedForWebchat_OnAWebchatActivity_Is401_AndAppendsNothing()
    {
        await using var bed = await TeamsTestBed.StartAsync(postgres: true);
        var token = bed.Token(key: bed.Fake.WebChatKey);
        var response = await bed.PostAsync(bed.Message("deploy api to production", channelId: "webchat", tenant: "tenant-of-my-choosing"), token);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, await ThreadCountAsync(bed.Host));
        Assert.Empty(bed.Fake.ConnectorCalls);
    }

    [Fact]
    public async Task MetadataUnavailable_Is503_NeverA500()
    {
        await using var bed = await TeamsTestBed.StartAsync(settings: new Dictionary<string, string?> { ["Teams:OpenIdMetadataUrl"] = "http://127.0.0.1:9/openid" });
        var response = await bed.PostAsync(bed.Message("deploy api to production"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(0, await ThreadCountAsync(bed.Host));
    }
}

/// <summary>Steering from Teams: someone who is neither requester, possible approver nor operator gets a reply saying so.</summary>
public sealed class TeamsSteeringTests
{
    [Fact]
    public async Task AColleagueWhoMayNotDecide_PausingSomeoneElsesDeploy_GetsAReply_AndNothingIsAppended()
    {
        await using var bed = await TeamsTestBed.StartAsync(postgres: true);
        await bed.PostAsync(bed.Message("deploy api to production", user: "alice"));
        var (threadId, _) = TeamsApprovalTests.Ids((await bed.ConnectorCallAsync(c => c.Cards.Any(TeamsApprovalTests.IsPendingApproval), "the approval card")).Cards.Single());
        var before = await QuietEventCountAsync(bed.Host, threadId);

        Assert.Equal(HttpStatusCode.OK, (await bed.PostAsync(bed.Message($"pause {threadId}", user: "eve"))).StatusCode);

        await bed.ConnectorCallAsync(c => c.Text?.Contains($"Only the person who started thread {threadId}") == true, "the refusal reply");
        Assert.Equal(before, await EventCountAsync(bed.Host, threadId));
        Assert.Equal("awaiting_human", (await bed.ThreadAsync(threadId)).GetProperty("status").GetString());
    }
}
