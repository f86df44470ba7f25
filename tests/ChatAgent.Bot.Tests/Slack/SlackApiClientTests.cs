using ChatAgent.Bot.Slack;
using ChatAgent.Bot.Tests.Slack.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ChatAgent.Bot.Tests.Slack;

/// <summary>The Web API client against the fake Slack over real HTTP: 429 and ok:false.</summary>
public sealed class SlackApiClientTests
{
    [Fact]
    public async Task RateLimited_WaitsRetryAfter_ThenSucceeds()
    {
        await using var slack = await FakeSlackApi.StartAsync();
        var client = Client(slack);
        slack.RateLimitNext("chat.postMessage", retryAfterSeconds: 1);

        var ts = await client.PostMessageAsync("C1", "hello", null, null, CancellationToken.None);

        var calls = slack.CallsTo("chat.postMessage").ToList();
        Assert.Equal(2, calls.Count);
        Assert.True(calls[1].At - calls[0].At >= TimeSpan.FromSeconds(0.9), "the retry waited for Retry-After");
        Assert.Equal(calls[1].Ts, ts);
    }

    [Fact]
    public async Task OkFalse_BecomesATypedError_WithSlacksCode()
    {
        await using var slack = await FakeSlackApi.StartAsync();
        var client = Client(slack);
        slack.FailNext("chat.update", "message_not_found");

        var error = await Assert.ThrowsAsync<SlackApiException>(() => client.UpdateMessageAsync("C1", "1.2", "x", null, CancellationToken.None));

        Assert.Equal("message_not_found", error.Error);
        Assert.Equal("chat.update", error.Method);
    }

    [Fact]
    public async Task PostsToOneChannel_ArePaced()
    {
        await using var slack = await FakeSlackApi.StartAsync();
        var client = Client(slack, interval: TimeSpan.FromMilliseconds(300));

        await Task.WhenAll(Enumerable.Range(0, 3).Select(i => client.PostMessageAsync("C1", $"m{i}", null, null, CancellationToken.None)));
        await client.PostMessageAsync("C2", "other channel", null, null, CancellationToken.None);

        var c1 = slack.CallsTo("chat.postMessage").Where(c => c.Str("channel") == "C1").OrderBy(c => c.At).ToList();
        Assert.True(c1[2].At - c1[0].At >= TimeSpan.FromMilliseconds(550), "three posts to one channel span two intervals");
    }

    private static SlackApiClient Client(FakeSlackApi slack, TimeSpan? interval = null) => new(
        new HttpClient(),
        Options.Create(new SlackOptions { ApiBaseUrl = slack.BaseUrl.ToString(), BotToken = "xoxb-1", MessageInterval = interval ?? TimeSpan.FromSeconds(1) }),
        TimeProvider.System,
        NullLogger<SlackApiClient>.Instance);
}
