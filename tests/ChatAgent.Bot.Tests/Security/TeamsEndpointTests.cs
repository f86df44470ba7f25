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
