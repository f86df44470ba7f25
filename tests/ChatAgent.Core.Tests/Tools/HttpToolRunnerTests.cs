using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ChatAgent.Core.Tools;
using Microsoft.Extensions.Options;
using Reply = ChatAgent.Core.Tests.Tools.RecordingHttpServer.Reply;

namespace ChatAgent.Core.Tests.Tools;

public sealed class HttpToolRunnerTests
{
    private const string Secret = "s3cret-for-tests";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    [Fact]
    public async Task PostsTheParameters_SignedWithHmacOfTimestampAndBody()
    {
        await using var server = new RecordingHttpServer(new Reply(200, """{"ticket":"OPS-7"}"""));

        var outcome = await RunAsync(Tool(server.Url), """{"service":"api","env":"staging"}""");

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal("""{"ticket":"OPS-7"}""", outcome.Result.GetRawText());
        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("""{"service":"api","env":"staging"}""", request.Body);
        Assert.Equal("notify", request.Headers["X-ChatAgent-Tool"]);
        Assert.Equal("call-42", request.Headers["X-ChatAgent-Tool-Call-Id"]);
        Assert.Equal("1800000000", request.Headers["X-ChatAgent-Timestamp"]);
        var expected = "sha256=" + Convert.ToHexStringLower(
            HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes("1800000000." + request.Body)));
        Assert.Equal(expected, request.Headers["X-ChatAgent-Signature"]);
    }

    [Fact]
    public async Task ResponseThatIsNotJson_BecomesStatusAndBody()
    {
        await using var server = new RecordingHttpServer(new Reply(202, "queued", "text/plain"));

        var outcome = await RunAsync(Tool(server.Url), "{}");

        Assert.Equal("""{"status":202,"body":"queued"}""", outcome.Result.GetRawText());
    }

    [Fact]
    public async Task IdempotentTool_IsRetriedOnServerErrors_WithTheSameIdempotencyKey()
    {
        await using var server = new RecordingHttpServer(new Reply(503), new Reply(502), new Reply(200, """{"ok":true}"""));

        var outcome = await RunAsync(Tool(server.Url, idempotent: true, retries: 3), "{}");

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal(3, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.Equal("call-42", r.Headers["X-ChatAgent-Tool-Call-Id"]));
    }

    [Fact]
    public async Task NonIdempotentTool_IsNeverRetried()
    {
        await using var server = new RecordingHttpServer(new Reply(503), new Reply(200, "{}"));

        var outcome = await RunAsync(Tool(server.Url, idempotent: false, retries: 3), "{}");

        Assert.False(outcome.Succeeded);
        Assert.True(outcome.Transient);
        Assert.Equal("notify answered HTTP 503", outcome.Error);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task ClientError_IsFinal_EvenForIdempotentTools()
    {
        await using var server = new RecordingHttpServer(new Reply(422, """{"error":"bad service"}"""), new Reply(200, "{}"));

        var outcome = await RunAsync(Tool(server.Url, idempotent: true, retries: 3), "{}");

        Assert.False(outcome.Succeeded);
        Assert.False(outcome.Transient);
        Assert.Equal("""{"error":"bad service"}""", outcome.Detail);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task RetriesStopAfterTheConfiguredCount()
    {
        await using var server = new RecordingHttpServer(new Reply(500));

        var outcome = await RunAsync(Tool(server.Url, idempotent: true, retries: 2), "{}");

        Assert.False(outcome.Succeeded);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task Timeout_IsATransientFailure()
    {
        await using var server = new RecordingHttpServer(Reply.Never);

        var outcome = await RunAsync(Tool(server.Url, timeout: TimeSpan.FromMilliseconds(300)), "{}");

        Assert.False(outcome.Succeeded);
        Assert.True(outcome.Transient);
        Assert.Contains("timed out", outcome.Error);
    }

    [Fact]
    public async Task MissingSecret_FailsWithoutSendingAnything()
    {
        await using var server = new RecordingHttpServer(new Reply(200, "{}"));

        var outcome = await RunAsync(Tool(server.Url) with { Runner = new RunnerSpec(RunnerSpec.Http, server.Url, TimeSpan.FromSeconds(5), SecretName: "other") }, "{}");

        Assert.False(outcome.Succeeded);
        Assert.Contains("Tools:Secrets:other", outcome.Error);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData(500, true)]
    [InlineData(408, true)]
    [InlineData(429, true)]
    [InlineData(499, false)]
    [InlineData(404, false)]
    public async Task ServerErrors_RequestTimeout_AndTooManyRequests_AreTransient_OtherClientErrorsAreNot(int status, bool transient)
    {
        await using var server = new RecordingHttpServer(new Reply(status, "nope", "text/plain"));

        var outcome = await RunAsync(Tool(server.Url), "{}");

        Assert.False(outcome.Succeeded);
        Assert.Equal((transient, $"notify answered HTTP {status}", "nope"), (outcome.Transient, outcome.Error, outcome.Detail));
    }

    [Fact]
    public async Task ALongErrorBody_IsCutAt4096Characters()
    {
        await using var server = new RecordingHttpServer(new Reply(400, new string('x', 4096) + "tail", "text/plain"), new Reply(400, new string('y', 4096), "text/plain"));

        var cut = await RunAsync(Tool(server.Url), "{}");
        var whole = await RunAsync(Tool(server.Url), "{}");

        Assert.Equal(new string('x', 4096) + "…", cut.Detail);
        Assert.Equal(new string('y', 4096), whole.Detail);
    }

    [Fact]
    public async Task ALongBodyThatIsNotJson_IsCutInTheResultToo()
    {
        await using var server = new RecordingHttpServer(new Reply(200, new string('z', 5000), "text/plain"));

        var outcome = await RunAsync(Tool(server.Url), "{}");

        Assert.Equal(new string('z', 4096) + "…", outcome.Result.GetProperty("body").GetString());
        Assert.Equal(200, outcome.Result.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task AServerThatCannotBeReached_IsATransientFailure_RetriedWhenIdempotent()
    {
        string url;
        await using (var gone = new RecordingHttpServer()) url = gone.Url;

        var outcome = await RunAsync(Tool(url, idempotent: true, retries: 1), "{}");

        Assert.False(outcome.Succeeded);
        Assert.True(outcome.Transient);
        Assert.Equal("notify could not be reached", outcome.Error);
        Assert.False(string.IsNullOrEmpty(outcome.Detail));
    }

    [Fact]
    public async Task ATimeout_SaysAfterHowLong()
    {
        await using var server = new RecordingHttpServer(Reply.Never);

        var outcome = await RunAsync(Tool(server.Url, timeout: TimeSpan.FromMilliseconds(300)), "{}");

        Assert.Equal("notify timed out after 0.3s", outcome.Error);
    }

    [Fact]
    public async Task NegativeRetries_MeanOneAttempt()
    {
        await using var server = new RecordingHttpServer(new Reply(503), new Reply(200, "{}"));

        var outcome = await RunAsync(Tool(server.Url, idempotent: true, retries: -2), "{}");

        Assert.False(outcome.Succeeded);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task AnEmptySecret_CountsAsNoSecret()
    {
        await using var server = new RecordingHttpServer(new Reply(200, "{}"));
        using var http = new HttpClient();
        var runner = new HttpToolRunner(http, Options.Create(new ToolSecretsOptions { Secrets = { ["notify"] = "" } }), new FixedTimeProvider(Now));

        var outcome = await runner.RunAsync(new ToolInvocation(ThreadState.Empty, Tool(server.Url), "call-1", JsonDocument.Parse("{}").RootElement.Clone()), CancellationToken.None);

        Assert.Equal("no secret configured for http tool 'notify' (Tools:Secrets:notify)", outcome.Error);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Retries_WaitHalfASecond_ThenTwiceAsLongEachTime_AndTheFirstAttemptDoesNotWait()
    {
        await using var server = new RecordingHttpServer(new Reply(503), new Reply(503), new Reply(503), new Reply(200, "{}"));
        using var http = new HttpClient();
        var time = new DelayRecordingTimeProvider(Now);
        var runner = new HttpToolRunner(http, Options.Create(new ToolSecretsOptions { Secrets = { ["notify"] = Secret } }), time);

        var outcome = await runner.RunAsync(new ToolInvocation(ThreadState.Empty, Tool(server.Url, idempotent: true, retries: 3), "call-1", JsonDocument.Parse("{}").RootElement.Clone()), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal(4, server.Requests.Count);
        Assert.Equal([TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], time.Delays);
    }

    /// <summary>A fixed clock whose timers record the delay asked for and fire at once.</summary>
    private sealed class DelayRecordingTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public List<TimeSpan> Delays { get; } = [];

        public override DateTimeOffset GetUtcNow() => now;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            lock (Delays) Delays.Add(dueTime);
            return System.CreateTimer(callback, state, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
    }

    private static async Task<ToolOutcome> RunAsync(ToolDefinition tool, string parameters)
    {
        using var http = new HttpClient();
        var secrets = Options.Create(new ToolSecretsOptions { Secrets = { ["notify"] = Secret } });
        var runner = new HttpToolRunner(http, secrets, new FixedTimeProvider(Now), retryBaseDelay: TimeSpan.FromMilliseconds(1));
        var invocation = new ToolInvocation(ThreadState.Empty with { Id = "thread-1" }, tool, "call-42", JsonDocument.Parse(parameters).RootElement.Clone());
        return await runner.RunAsync(invocation, CancellationToken.None);
    }

    private static ToolDefinition Tool(string url, bool idempotent = false, int retries = 0, TimeSpan? timeout = null) =>
        new("notify", "test", ToolKind.Immediate, "{}", new RunnerSpec(RunnerSpec.Http, url, timeout ?? TimeSpan.FromSeconds(10), retries), idempotent);
}
