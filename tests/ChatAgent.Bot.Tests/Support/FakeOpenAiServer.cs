using ChatAgent.TestSupport;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace ChatAgent.Bot.Tests.Support;

/// <summary>
/// The far side of the model: an OpenAI-compatible chat-completions server on a free 127.0.0.1 port that answers
/// each request with the next scripted tool call (the last repeats) and records every request (headers and body).
/// </summary>
public sealed class FakeOpenAiServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly (string Tool, object Arguments)[] _calls;
    private readonly Task _loop;
    private int _answered;
    private TaskCompletionSource? _hold;

    public FakeOpenAiServer(params (string Tool, object Arguments)[] calls)
    {
        _calls = calls;
        var port = FreePort();
        Url = $"http://127.0.0.1:{port}/v1";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string Url { get; }

    public ConcurrentQueue<(string Authorization, string Body)> Requests { get; } = new();

    /// <summary>Requests received from now on are recorded but not answered until <see cref="Release"/> (a slow model).</summary>
    public void Hold() => _hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Answers the held requests, and the next ones at once.</summary>
    public void Release() => Interlocked.Exchange(ref _hold, null)?.TrySetResult();

    private async Task LoopAsync()
    {
        while (await _listener.NextAsync(_stopping.Token) is { } context)
        {
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            Requests.Enqueue((context.Request.Headers["Authorization"] ?? "", await reader.ReadToEndAsync()));
            if (_hold is { } hold) await hold.Task;
            var index = Math.Min(Interlocked.Increment(ref _answered) - 1, _calls.Length - 1);
            var (tool, arguments) = _calls[index];
            var body = JsonSerializer.SerializeToUtf8Bytes(new
            {
                id = $"chatcmpl-{index}",
                @object = "chat.completion",
                created = 1_700_000_000,
                model = "gpt-test",
                choices = new[]
                {
                    new
                    {
                        index = 0,
                        finish_reason = "tool_calls",
                        message = new
                        {
                            role = "assistant",
                            content = (string?)null,
                            tool_calls = new[] { new { id = $"call_{index}", type = "function", function = new { name = tool, arguments = JsonSerializer.Serialize(arguments) } } },
                        },
                    },
                },
                usage = new { prompt_tokens = 100, completion_tokens = 10, total_tokens = 110 },
            });
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Release();
        await _stopping.CancelAsync();
        _listener.Abort();
        try { await _loop; }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException) { }
    }
}
