using ChatAgent.TestSupport;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ChatAgent.Bot.Tests.Planners;

/// <summary>
/// The far side of the model's network boundary: a local HTTP server that answers every request with the next scripted
/// response (the last one repeats) and records each request's path and body.
/// </summary>
public sealed class FakeModelServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Func<int, Task<(int Status, string Body)>> _respond;
    private readonly List<(string Path, string Body)> _requests = [];
    private readonly Task _loop;

    public FakeModelServer(Func<int, (int Status, string Body)> respond)
        : this(i => Task.FromResult(respond(i)))
    {
    }

    /// <summary>A model that answers when <paramref name="respond"/> completes: a test can hold the model "thinking".</summary>
    public FakeModelServer(Func<int, Task<(int Status, string Body)>> respond)
    {
        _respond = respond;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        BaseUrl = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(BaseUrl);
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public string BaseUrl { get; }

    /// <summary>The bot's settings for an OpenAI-compatible model served by this fake.</summary>
    public Dictionary<string, string?> OpenAiSettings() => new()
    {
        ["Llm:Provider"] = "openai",
        ["Llm:Model"] = "gpt-test",
        ["Llm:ApiKey"] = "sk-test",
        ["Llm:BaseUrl"] = BaseUrl + "v1",
    };

    public IReadOnlyList<(string Path, string Body)> Requests
    {
        get { lock (_requests) return [.. _requests]; }
    }

    private async Task ServeAsync()
    {
        while (await _listener.NextAsync(_stopping.Token) is { } context)
        {
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            int index;
            lock (_requests)
            {
                _requests.Add((context.Request.Url!.AbsolutePath, body));
                index = _requests.Count - 1;
            }
            var (status, response) = await _respond(index);
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            context.Response.Headers["Retry-After"] = "0";
            var bytes = Encoding.UTF8.GetBytes(response);
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        _listener.Close();
        try { await _loop; } catch (Exception) { /* stopping */ }
    }
}
