using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatAgent.Bot.Tests.Slack.Support;

/// <summary>
/// Slack's Web API, far side of the network boundary: a small Kestrel server on a free loopback port that records
/// every call (method, bearer token, JSON body) and answers like Slack (HTTP 200, <c>ok</c> true or false). It can be
/// told to answer the next calls of a method with 429 + Retry-After or <c>ok: false</c>. It also serves Socket Mode:
/// <c>apps.connections.open</c> hands out <c>ws://…/socket</c>, where the test pushes envelopes and reads acks.
/// Every Block Kit payload it receives is checked against Block Kit's limits (<see cref="Violations"/>).
/// </summary>
public sealed class FakeSlackApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<SlackCall> _calls = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Func<HttpContext, Task<bool>>>> _faults = new();
    private readonly ConcurrentQueue<string> _violations = new();
    private long _ts = 1_700_000_000_000_000;

    private FakeSlackApi(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public IReadOnlyList<SlackCall> Calls => [.. _calls];

    public IReadOnlyList<string> Violations => [.. _violations];

    /// <summary>Socket Mode connections the bot opened, newest last.</summary>
    public ConcurrentQueue<FakeSocket> Sockets { get; } = new();

    public IEnumerable<SlackCall> CallsTo(string method) => Calls.Where(c => c.Method == method);

    public static async Task<FakeSlackApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeSlackApi(app);
        app.UseWebSockets();
        app.Map("/socket", fake.AcceptSocketAsync);
        app.MapPost("/api/{method}", fake.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.BaseUrl = new Uri(address.TrimEnd('/') + "/api/");
        return fake;
    }

    /// <summary>The next call of <paramref name="method"/> gets a 429 with <c>Retry-After</c>.</summary>
    public void RateLimitNext(string method, int retryAfterSeconds) =>
        Enqueue(method, async http =>
        {
            http.Response.StatusCode = 429;
            http.Response.Headers.RetryAfter = retryAfterSeconds.ToString();
            await http.Response.WriteAsync("");
            return true;
        });

    /// <summary>The next call of <paramref name="method"/> gets HTTP 200 with <c>{"ok":false,"error":…}</c>.</summary>
    public void FailNext(string method, string error) =>
        Enqueue(method, async http =>
        {
            await http.Response.WriteAsJsonAsync(new { ok = false, error });
            return true;
        });

    private void Enqueue(string method, Func<HttpContext, Task<bool>> fault) =>
        _faults.GetOrAdd(method, _ => new()).Enqueue(fault);

    private async Task HandleAsync(HttpContext http, string method)
    {
        using var reader = new StreamReader(http.Request.Body);
        var text = await reader.ReadToEndAsync();
        var body = text.Length == 0 ? new JsonObject() : JsonNode.Parse(text) as JsonObject ?? new JsonObject();
        var ts = method == "chat.postMessage" ? NextTs() : (string?)body["ts"];
        _calls.Enqueue(new SlackCall(method, http.Request.Headers.Authorization.ToString(), body, DateTimeOffset.UtcNow, ts));
        foreach (var v in BlockKitChecker.Check(method, body)) _violations.Enqueue(v);
        if (_faults.TryGetValue(method, out var queue) && queue.TryDequeue(out var fault) && await fault(http)) return;

        object answer = method switch
        {
            "chat.postMessage" or "chat.update" => new { ok = true, channel = (string?)body["channel"], ts },
            "apps.connections.open" => new { ok = true, url = $"ws://{http.Request.Host}/socket" },
            _ => new { ok = true },
        };
        await http.Response.WriteAsJsonAsync(answer);
    }

    private string NextTs()
    {
        var n = Interlocked.Increment(ref _ts);
        return $"{n / 1_000_000}.{n % 1_000_000:D6}";
    }

    private async Task AcceptSocketAsync(HttpContext http)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            http.Response.StatusCode = 400;
            return;
        }
        using var ws = await http.WebSockets.AcceptWebSocketAsync();
        var socket = new FakeSocket(ws);
        Sockets.Enqueue(socket);
        await socket.SendAsync(new JsonObject { ["type"] = "hello", ["num_connections"] = 1 });
        await socket.RunAsync(http.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var s in Sockets) s.Abort();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One recorded Web API call.</summary>
/// <param name="Ts">The message's ts: the one Slack handed out for a post, the one updated for an update.</param>
public sealed record SlackCall(string Method, string Authorization, JsonObject Body, DateTimeOffset At, string? Ts)
{
    public string? Str(string name) => Body[name]?.GetValue<string>();

    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The blocks (or the modal) as JSON text, without escaping <c>&lt;</c>, <c>&gt;</c> and quotes.</summary>
    public string BlocksJson => Body["blocks"]?.ToJsonString(Readable) ?? Body["view"]?.ToJsonString(Readable) ?? "";

    /// <summary>All action ids of buttons in the message's blocks.</summary>
    public IReadOnlyList<(string ActionId, string Value)> Buttons =>
        [.. (Body["blocks"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Where(b => (string?)b["type"] == "actions")
            .SelectMany(b => (b["elements"] as JsonArray ?? []).OfType<JsonObject>())
            .Select(e => ((string?)e["action_id"] ?? "", (string?)e["value"] ?? ""))];
}

/// <summary>The test's end of a Socket Mode connection: push envelopes, read what the bot sends back.</summary>
public sealed class FakeSocket(WebSocket ws)
{
    private readonly ConcurrentQueue<JsonObject> _received = new();

    public IReadOnlyList<JsonObject> Received => [.. _received];

    public bool Closed { get; private set; }

    public Task SendAsync(JsonObject message) =>
        ws.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);

    public async Task RunAsync(CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (ws.State == WebSocketState.Open)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await ws.ReceiveAsync(buffer, ct);
                    message.Write(buffer, 0, result.Count);
                } while (!result.EndOfMessage);
                if (result.MessageType == WebSocketMessageType.Close) break;
                if (JsonNode.Parse(Encoding.UTF8.GetString(message.ToArray())) is JsonObject o) _received.Enqueue(o);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }
        Closed = true;
    }

    public void Abort() => ws.Abort();
}
