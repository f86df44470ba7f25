using ChatAgent.Bot.Slack;
using ChatAgent.Bot.Tests.Slack.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ChatAgent.Bot.Tests.Slack;

/// <summary>The Web API client against the fake Slack over real HTTP: 429s and 5xx retried by its resilience handler, ok:false typed.</summary>
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
    public async Task ServerErrors_AreRetried_AndThePostArrivesOnce()
    {
        await using var slack = await FakeSlackApi.StartAsync();
        var client = Client(slack);
        slack.ServerErrorNext("chat.postMessage");
        slack.ServerErrorNext("chat.postMessage");

        var ts = await client.PostMessageAsync("C1", "hello", null, null, CancellationToken.None);

        var calls = slack.CallsTo("chat.postMessage").ToList();
        Assert.Equal([false, false, true], calls.Select(c => c.Ok));
        Assert.Equal(calls[2].Ts, ts);
        Assert.All(calls, c => Assert.Equal("hello", c.Str("text")));
    }

    [Fact]
    public async Task ARetryAfterLongerThanAllowed_FailsAtOnceAsRateLimited_LeavingItToTheOutbox()
    {
        await using var slack = await FakeSlackApi.StartAsync();
        var client = Client(slack, maxRetryAfter: TimeSpan.FromSeconds(5));
        slack.RateLimitNext("chat.update", retryAfterSeconds: 60);

        var error = await Assert.ThrowsAsync<SlackApiException>(() => client.UpdateMessageAsync("C1", "1.2", "x", null, CancellationToken.None));

        Assert.Equal(("chat.update", "ratelimited"), (error.Method, error.Error));
        Assert.Single(slack.CallsTo("chat.update"));
    }

    [Fact]
    public async Task RateLimitedOnEveryAttempt_GivesUpAfterFiveTries_AsRateLimited()
    {
        await using var slack = await FakeSlackApi.StartAsync();
        var client = Client(slack);
        for (var i = 0; i < 6; i++) slack.RateLimitNext("chat.postEphemeral", retryAfterSeconds: 0);

        var error = await Assert.ThrowsAsync<SlackApiException>(() => client.PostEphemeralAsync("C1", "U1", "x", null, CancellationToken.None));

        Assert.Equal("ratelimited", error.Error);
        Assert.Equal(SlackHttp.Attempts, slack.CallsTo("chat.postEphemeral").Count());
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

    private static SlackApiClient Client(FakeSlackApi slack, TimeSpan? interval = null, TimeSpan? maxRetryAfter = null)
    {
        var options = new SlackOptions
        {
            ApiBaseUrl = slack.BaseUrl.ToString(),
            BotToken = "xoxb-1",
            MessageInterval = interval ?? TimeSpan.FromSeconds(1),
            MaxRetryAfter = maxRetryAfter ?? TimeSpan.FromSeconds(30),
        };
        return new SlackApiClient(SlackHttp.Create(options, TimeProvider.System, NullLogger.Instance), Options.Create(options), TimeProvider.System, NullLogger<SlackApiClient>.Instance);
    }
}
