using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace ChatAgent.Core.Tools;

/// <summary>
/// POSTs the parameters as JSON to the tool's URL, signed: <c>X-ChatAgent-Signature: sha256=&lt;hex HMAC-SHA256 of
/// "{timestamp}.{body}"&gt;</c> with the secret <c>Tools:Secrets:&lt;secret name or tool name&gt;</c>, plus
/// <c>X-ChatAgent-Tool</c>, <c>X-ChatAgent-Tool-Call-Id</c> (the idempotency key) and <c>X-ChatAgent-Timestamp</c> (unix seconds).
/// 5xx, 408, 429 and timeouts are transient and retried with exponential backoff, but only for idempotent tools;
/// other 4xx are final. A JSON body is the result; anything else becomes <c>{status, body}</c>.
/// </summary>
public sealed class HttpToolRunner(HttpClient http, IOptions<ToolSecretsOptions> secrets, TimeProvider time, TimeSpan? retryBaseDelay = null) : IToolRunner
{
    public const string SignatureHeader = "X-ChatAgent-Signature";
    public const string TimestampHeader = "X-ChatAgent-Timestamp";
    public const string ToolHeader = "X-ChatAgent-Tool";
    public const string ToolCallIdHeader = "X-ChatAgent-Tool-Call-Id";
    private const int MaxDetail = 4096;

    private readonly TimeSpan _retryBaseDelay = retryBaseDelay ?? TimeSpan.FromMilliseconds(500);

    public string Type => RunnerSpec.Http;

    public static string Sign(string secret, string timestamp, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + "." + body)));

    public async Task<ToolOutcome> RunAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var tool = invocation.Tool;
        var secretName = tool.Runner.SecretName ?? tool.Name;
        if (!secrets.Value.Secrets.TryGetValue(secretName, out var secret) || secret.Length == 0)
            return ToolOutcome.Failure($"no secret configured for http tool '{tool.Name}' (Tools:Secrets:{secretName})");

        var attempts = tool.Idempotent ? 1 + Math.Max(0, tool.Runner.Retries) : 1;
        var outcome = ToolOutcome.Failure("not run");
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            if (attempt > 1) await Task.Delay(_retryBaseDelay * Math.Pow(2, attempt - 2), time, cancellationToken);
            outcome = await SendOnceAsync(invocation, secret, cancellationToken);
            if (outcome.Succeeded || !outcome.Transient) break;
        }
        return outcome;
    }

    private async Task<ToolOutcome> SendOnceAsync(ToolInvocation invocation, string secret, CancellationToken cancellationToken)
    {
        var tool = invocation.Tool;
        var body = invocation.Parameters.GetRawText();
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, tool.Runner.Target)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(ToolHeader, tool.Name);
        request.Headers.Add(ToolCallIdHeader, invocation.ToolCallId);
        request.Headers.Add(TimestampHeader, timestamp);
        request.Headers.Add(SignatureHeader, Sign(secret, timestamp, body));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(tool.Runner.Timeout);
        try
        {
            using var response = await http.SendAsync(request, timeout.Token);
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            var status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                var transient = status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
                return ToolOutcome.Failure($"{tool.Name} answered HTTP {status}", Truncate(text), transient);
            }
            return ToolOutcome.Success(AsResult(status, text));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ToolOutcome.Failure($"{tool.Name} timed out after {tool.Runner.Timeout.TotalSeconds:0.#}s", transient: true);
        }
        catch (HttpRequestException ex)
        {
            return ToolOutcome.Failure($"{tool.Name} could not be reached", ex.Message, transient: true);
        }
    }

    private static JsonElement AsResult(int status, string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(new { status, body = Truncate(text) });
        }
    }

    private static string Truncate(string text) => text.Length <= MaxDetail ? text : text[..MaxDetail] + "…";
}
