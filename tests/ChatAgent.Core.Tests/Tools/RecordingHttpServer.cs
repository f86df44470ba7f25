using ChatAgent.TestSupport;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ChatAgent.Core.Tests.Tools;

/// <summary>
/// A real HTTP server on a free 127.0.0.1 port that records every request and answers with the next scripted
/// response (the last one repeats). A response with <c>Hang</c> never answers, to test client timeouts.
/// </summary>
internal sealed class RecordingHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Queue<Reply> _replies;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _loop;

    public RecordingHttpServer(params Reply[] replies)
    {
        _replies = new Queue<Reply>(replies);
        Url = Start(_listener);
        _loop = Task.Run(LoopAsync);
    }

    public string Url { get; }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public async ValueTask DisposeAsync()
    {
        _stopped.TrySetResult();
        await _stopping.CancelAsync();
        // Abort only: on Linux, Stop() followed by Close() re-binds the port to remove the prefix a second time.
        _listener.Abort();
        try { await _loop; }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException) { }
    }

    private async Task LoopAsync()
    {
        while (await _listener.NextAsync(_stopping.Token) is { } context) _ = Task.Run(() => AnswerAsync(context));
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var headers = context.Request.Headers.AllKeys.OfType<string>().ToDictionary(k => k, k => context.Request.Headers[k] ?? "", StringComparer.OrdinalIgnoreCase);
        Requests.Enqueue(new RecordedRequest(context.Request.HttpMethod, headers, body));
        Reply reply;
        lock (_replies) reply = _replies.Count > 1 ? _replies.Dequeue() : _replies.Peek();
        if (reply.Hang)
        {
            await _stopped.Task;
            return;
        }
        context.Response.StatusCode = reply.Status;
        context.Response.ContentType = reply.ContentType;
        var bytes = Encoding.UTF8.GetBytes(reply.Body);
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    /// <summary>Another process may take the probed free port before the listener binds it; then try another.</summary>
    private static string Start(HttpListener listener)
    {
        for (var attempt = 1; ; attempt++)
        {
            var url = $"http://127.0.0.1:{FreePort()}/hook/";
            listener.Prefixes.Add(url);
            try
            {
                listener.Start();
                return url;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Prefixes.Remove(url);
            }
        }
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    public sealed record Reply(int Status, string Body = "", string ContentType = "application/json", bool Hang = false)
    {
        public static Reply Never { get; } = new(0, Hang: true);
    }

    public sealed record RecordedRequest(string Method, IReadOnlyDictionary<string, string> Headers, string Body);
}
