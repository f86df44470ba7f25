using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ChatAgent.Bot.Api;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.Core.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace ChatAgent.Bot.Tests.Api;

public sealed class ApiKeyTests
{
    [Fact]
    public async Task WithKeysConfigured_MissingOrWrongBearerIs401AndAppendsNothing_TheRightKeyWorks()
    {
        await using var host = await BotHost.StartAsync(new Dictionary<string, string?>
        {
            ["Api:Keys:0"] = "k-ops-1", ["Api:Keys:1"] = "k-ci-2",
            ["Approvals:Groups:deployers:0"] = "web:dana", ["Approvals:Groups:sre-leads:0"] = "web:sam",
        });
        var launch = new { agent = "deploy", input = "api" };

        var none = await host.Client.PostAsJsonAsync("/api/threads", launch);
        await ThreadsApiTests.AssertProblemAsync(none, HttpStatusCode.Unauthorized);
        var wrong = new HttpRequestMessage(HttpMethod.Post, "/api/threads") { Content = JsonContent.Create(launch) };
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "k-ops-2");
        await ThreadsApiTests.AssertProblemAsync(await host.Client.SendAsync(wrong), HttpStatusCode.Unauthorized);
        var basic = new HttpRequestMessage(HttpMethod.Get, "/api/threads");
        basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", "azpr");
        await ThreadsApiTests.AssertProblemAsync(await host.Client.SendAsync(basic), HttpStatusCode.Unauthorized);
        Assert.Empty(await host.Get<IEventStore>().ListAsync(new ThreadQuery()));

        var right = new HttpRequestMessage(HttpMethod.Post, "/api/threads") { Content = JsonContent.Create(launch) };
        right.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "k-ci-2");
        var accepted = await host.Client.SendAsync(right);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Single(await host.Get<IEventStore>().ListAsync(new ThreadQuery()));
    }

    [Theory]
    [InlineData("127.0.0.1", null, true)]
    [InlineData("::1", null, true)]
    [InlineData("10.1.2.3", null, false)]
    [InlineData("203.0.113.9", null, false)]
    [InlineData("127.0.0.1", "203.0.113.9", false)]
    public async Task WithNoKeys_OnlyDirectLoopbackRequestsPass(string remote, string? forwardedFor, bool passes)
    {
        var filter = new ApiKeyFilter(new StaticOptions(new ApiOptions()));
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        if (forwardedFor is not null) http.Request.Headers["X-Forwarded-For"] = forwardedFor;
        var called = false;
        var result = await filter.InvokeAsync(new DefaultEndpointFilterInvocationContext(http), _ =>
        {
            called = true;
            return ValueTask.FromResult<object?>(Results.Ok());
        });
        Assert.Equal(passes, called);
        if (!passes)
        {
            var status = Assert.IsAssignableFrom<IStatusCodeHttpResult>(result);
            Assert.Equal(401, status.StatusCode);
        }
    }

    private sealed class StaticOptions(ApiOptions value) : IOptionsMonitor<ApiOptions>
    {
        public ApiOptions CurrentValue => value;

        public ApiOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<ApiOptions, string?> listener) => null;
    }
}
