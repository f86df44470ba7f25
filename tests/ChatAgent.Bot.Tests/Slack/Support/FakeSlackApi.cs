using ChatAgent.TestSupport;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Net;
using System.Net.Sockets;

namespace ChatAgent.Bot.Tests.Slack.Support;

/// <summary>
/// Slack's Web API, far side of the network boundary: a small HttpListener server on a free loopback port that records
/// every call (method, bearer token, JSON body) and answers like Slack (HTTP 200, <c>ok</c> true or false). It can be
/// told to answer the next call of a method with 429 + Retry-After or <c>ok: false</c>. It also serves Socket Mode:
/// <c>apps.connections.open</c> hands out <c>ws://…/socket</c>, where the test pushes envelopes and reads acks.
/// Every Block Kit payload it receives is checked against Block Kit's limits (<see cref="Violations"/>).
/// </summary>
public sealed class FakeSlackApi : IAsyncDisposable
{
    // HttpListener rather than a WebApplication: WebApplicationFactory captures whichever host is built in the
    // process while it starts, so a second ASP.NET Core host built by a parallel test could be taken for the bot.
    private readonly HttpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private readonly ConcurrentQueue<SlackCall> _calls = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Func<HttpListenerResponse, Task>>> _faults = new();
    private readonly ConcurrentQueue<string> _violations = new();
    private long _ts = 1_700_000_000_000_000;
    private long _outageEndsTicks;
    private long _outageAnswers;

    private FakeSlackApi(HttpListener listener, Uri root)
    {
        _listener = listener;
        Root = root;
        _loop = Task.Run(LoopAsync);
    }

    private Uri Root { get; }

    public Uri BaseUrl => new(Root, "api/");

    public IReadOnlyList<SlackCall> Calls => [.. _calls];

    public IReadOnlyList<string> Violations => [.. _violations];

    /// <summary>Socket Mode connections the bot opened, oldest first.</summary>
    public ConcurrentQueue<FakeSocket> Sockets { get; } = new();

    public IEnumerable<SlackCall> CallsTo(string method) => Calls.Where(c => c.Method == method);

    public static Task<FakeSlackApi> StartAsync()
    {
        for (var attempt = 0; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var listener = new HttpListener();
            var root = new Uri($"http://127.0.0.1:{port}/");
            listener.Prefixes.Add(root.ToString());
            try
            {
                listener.Start();
                return Task.FromResult(new FakeSlackApi(listener, root));
            }
            catch (HttpListenerException) when (attempt < 10)
            {
                // The port was taken between the probe and the bind: try another.
            }
        }
    }

    /// <summary>The next call of <paramref name="method"/> gets a 429 with <c>Retry-After</c>.</summary>
    public void RateLimitNext(string method, int retryAfterSeconds) =>
        _faults.GetOrAdd(method, _ => new()).Enqueue(RateLimited(retryAfterSeconds));

    /// <summary>The next call of <paramref name="method"/> gets an HTTP 500 with no body.</summary>
    public void ServerErrorNext(string method) =>
        _faults.GetOrAdd(method, _ => new()).Enqueue(ServerError);

    /// <summary>
    /// From now until <paramref name="window"/> has passed, every Web API call (except Socket Mode's) is answered with
    /// HTTP 500 or 429 + <c>Retry-After: <see cref="OutageRetryAfterSeconds"/></c>, alternately. Returns when it ends.
    /// </summary>
    public DateTimeOffset BeginOutage(TimeSpan window)
    {
        var ends = DateTimeOffset.UtcNow + window;
        Interlocked.Exchange(ref _outageEndsTicks, ends.UtcTicks);
        return ends;
    }

    public const int OutageRetryAfterSeconds = 2;

    private bool InOutage(string method) =>
        method != "apps.connections.open" && DateTimeOffset.UtcNow.UtcTicks < Interlocked.Read(ref _outageEndsTicks);

    private static Func<HttpListenerResponse, Task> RateLimited(int retryAfterSeconds) => response =>
    {
        response.StatusCode = 429;
        response.Headers["Retry-After"] = retryAfterSeconds.ToString();
        response.Close();
        return Task.CompletedTask;
    };

    private static Task ServerError(HttpListenerResponse response)
    {
        response.StatusCode = 500;
        response.Close();
        return Task.CompletedTask;
    }

    /// <summary>Channels the bot is not a member of: posting, updating or answering ephemerally there gets <c>not_in_channel</c>, as Slack answers.</summary>
    public ConcurrentDictionary<string, bool> NotAMemberOf { get; } = new(StringComparer.Ordinal);

    /// <summary>Where a slash command's <c>response_url</c> points (posts to it are recorded as method <c>response_url</c>).</summary>
    public string ResponseUrl(string id) => new Uri(Root, "response/" + id).ToString();

    /// <summary>The next call of <paramref name="method"/> gets HTTP 200 with <c>{"ok":false,"error":…}</c>.</summary>
    public void FailNext(string method, string error) =>
        _faults.GetOrAdd(method, _ => new()).Enqueue(response => WriteJsonAsync(response, new JsonObject { ["ok"] = false, ["error"] = error }));

    private async Task LoopAsync()
    {
        while (await _listener.NextAsync(_stopping.Token) is { } context) _ = Task.Run(() => HandleAsync(context));
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            var path = context.Request.Url!.AbsolutePath;
            if (path == "/socket" && context.Request.IsWebSocketRequest)
            {
                var ws = await context.AcceptWebSocketAsync(null);
                var socket = new FakeSocket(ws.WebSocket, context.Response.Abort);
                Sockets.Enqueue(socket);
                await socket.SendAsync(new JsonObject { ["type"] = "hello", ["num_connections"] = 1 });
                await socket.RunAsync(CancellationToken.None);
                return;
            }
            if (path.StartsWith("/response/", StringComparison.Ordinal))
            {
                using var responseReader = new StreamReader(context.Request.InputStream);
                var posted = JsonNode.Parse(await responseReader.ReadToEndAsync()) as JsonObject ?? new JsonObject();
                _calls.Enqueue(new SlackCall("response_url", context.Request.Headers["Authorization"] ?? "", posted, DateTimeOffset.UtcNow, null));
                foreach (var v in BlockKitChecker.Check("chat.postMessage", posted)) _violations.Enqueue(v);
                context.Response.StatusCode = 200;
                context.Response.Close();
                return;
            }
            if (!path.StartsWith("/api/", StringComparison.Ordinal))
            {
                context.Response.StatusCode = 404;
                context.Response.Close();
                return;
            }
            var method = path["/api/".Length..];
            using var reader = new StreamReader(context.Request.InputStream);
            var text = await reader.ReadToEndAsync();
            var body = text.Length == 0 ? new JsonObject() : JsonNode.Parse(text) as JsonObject ?? new JsonObject();
            var ts = method == "chat.postMessage" ? NextTs() : (string?)body["ts"];
            Func<HttpListenerResponse, Task>? fault = null;
            if (InOutage(method)) fault = Interlocked.Increment(ref _outageAnswers) % 2 == 0 ? RateLimited(OutageRetryAfterSeconds) : ServerError;
            else if (_faults.TryGetValue(method, out var queue) && queue.TryDequeue(out var next)) fault = next;
            else if (method is "chat.postMessage" or "chat.update" or "chat.postEphemeral" && (string?)body["channel"] is { } c && NotAMemberOf.ContainsKey(c))
                fault = response => WriteJsonAsync(response, new JsonObject { ["ok"] = false, ["error"] = "not_in_channel" });
            _calls.Enqueue(new SlackCall(method, context.Request.Headers["Authorization"] ?? "", body, DateTimeOffset.UtcNow, ts, Ok: fault is null));
            foreach (var v in BlockKitChecker.Check(method, body)) _violations.Enqueue(v);
            if (fault is not null)
            {
                await fault(context.Response);
                return;
            }
            var answer = new JsonObject { ["ok"] = true };
            if (method is "chat.postMessage" or "chat.update")
            {
                answer["channel"] = (string?)body["channel"];
                answer["ts"] = ts;
            }
            if (method == "apps.connections.open") answer["url"] = $"ws://127.0.0.1:{Root.Port}/socket";
            // A person's DM with the bot: D + their user id, the same channel every time, as Slack answers.
            if (method == "conversations.open") answer["channel"] = new JsonObject { ["id"] = "D" + (string?)body["users"] };
            await WriteJsonAsync(context.Response, answer);
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or IOException)
        {
            // The client went away.
        }
    }

    private static async Task WriteJsonAsync(HttpListenerResponse response, JsonObject body)
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
        response.Close();
    }

    private string NextTs()
    {
        var n = Interlocked.Increment(ref _ts);
        return $"{n / 1_000_000}.{n % 1_000_000:D6}";
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        foreach (var s in Sockets) s.Abort();
        _listener.Abort();
        try { await _loop; }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException) { }
    }
}

/// <summary>One recorded Web API call.</summary>
/// <param name="Ts">The message's ts: the one Slack handed out for a post, the one updated for an update.</param>
/// <param name="Ok">Answered with HTTP 200 and <c>ok: true</c> (false: a fault was injected for it).</param>
public sealed record SlackCall(string Method, string Authorization, JsonObject Body, DateTimeOffset At, string? Ts, bool Ok = true)
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
public sealed class FakeSocket(WebSocket ws, Action dropConnection)
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

    /// <summary>Drops the connection without a close handshake, as a network failure would.</summary>
    public void Abort()
    {
        ws.Abort();
        dropConnection();
    }
}
