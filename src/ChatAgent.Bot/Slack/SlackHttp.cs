using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace ChatAgent.Bot.Slack;

/// <summary>
/// The HTTP client for Slack's Web API, with Slack's transient answers retried by Microsoft.Extensions.Http.Resilience
/// (as the Teams connector does with Polly): a 429 waits its <c>Retry-After</c> (unless that is longer than
/// <see cref="SlackOptions.MaxRetryAfter"/>: then the call fails at once as <c>ratelimited</c> and the outbox tries
/// later), and 5xx answers and network errors back off exponentially with jitter, up to <see cref="Attempts"/> tries.
/// </summary>
public static class SlackHttp
{
    public const int Attempts = 5;

    public static HttpClient Create(SlackOptions options, TimeProvider time, ILogger log) =>
        new(new ResilienceHandler(Retries(options, time, log)) { InnerHandler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) } })
        {
            // Per attempt the pipeline allows 30 s; the whole call also covers the waits between attempts.
            Timeout = TimeSpan.FromMinutes(3),
        };

    internal static ResiliencePipeline<HttpResponseMessage> Retries(SlackOptions options, TimeProvider time, ILogger log) =>
        new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = Attempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(500),
                MaxDelay = options.MaxRetryAfter,
                ShouldRetryAfterHeader = true,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Result: { StatusCode: HttpStatusCode.TooManyRequests } r } => (r.Headers.RetryAfter?.Delta ?? TimeSpan.Zero) <= options.MaxRetryAfter,
                    { Result: { } r } => (int)r.StatusCode >= 500,
                    { Exception: HttpRequestException } => true,
                    { Exception: Polly.Timeout.TimeoutRejectedException } => true,
                    _ => false,
                }),
                OnRetry = args =>
                {
                    log.LogInformation("Slack call failed ({Outcome}); retry {Attempt} in {Delay}",
                        args.Outcome.Result is { } r ? (int)r.StatusCode : args.Outcome.Exception?.GetType().Name, args.AttemptNumber + 1, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(TimeSpan.FromSeconds(30))
            .Build();
}
