using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ChatAgent.LoadDriver;

/// <summary>
/// The nearest limit for acknowledgements: an "empty" Kestrel endpoint in its own process (this driver started with
/// <c>--serve-empty PORT</c>) that reads the form body and answers a small JSON reply, like /slack/commands does,
/// but without verifying, parsing or storing anything.
/// </summary>
public static class EmptyEndpoint
{
    public const string Flag = "--serve-empty";

    public static async Task ServeAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.MapGet("/readyz", () => "ok");
        app.MapPost("/slack/commands", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            return Results.Json(new JsonObject { ["response_type"] = "ephemeral", ["text"] = $"ok {form["trigger_id"]}" });
        });
        await app.RunAsync();
    }

    /// <summary>Starts this driver again as the empty endpoint and waits until it answers.</summary>
    public static async Task<(Process Process, HttpClient Client)> StartAsync()
    {
        var port = Http.FreePort();
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(typeof(EmptyEndpoint).Assembly.Location);
        start.ArgumentList.Add(Flag);
        start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the empty endpoint");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var client = Http.Client(new Uri($"http://127.0.0.1:{port}"));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                using var ready = await client.GetAsync("/readyz");
                if (ready.StatusCode == HttpStatusCode.OK) return (process, client);
            }
            catch (HttpRequestException)
            {
                if (process.HasExited || DateTime.UtcNow > deadline) throw;
            }
            await Task.Delay(100);
        }
    }
}

/// <summary>The far side of Slack's Web API for the bot's outbox: every call answers ok with a fresh ts; counts calls.</summary>
public sealed class FakeSlack : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _calls;

    private FakeSlack(WebApplication app, Uri baseUrl)
    {
        _app = app;
        ApiBaseUrl = baseUrl;
    }

    public Uri ApiBaseUrl { get; }

    public long Calls => Interlocked.Read(ref _calls);

    public static async Task<FakeSlack> StartAsync()
    {
        var port = Http.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        FakeSlack? self = null;
        app.MapPost("/api/{method}", async (HttpRequest request) =>
        {
            await request.Body.CopyToAsync(Stream.Null);
            var n = Interlocked.Increment(ref self!._calls);
            return Results.Json(new JsonObject { ["ok"] = true, ["ts"] = $"1764000000.{n:D6}", ["channel"] = "C1" });
        });
        self = new FakeSlack(app, new Uri($"http://127.0.0.1:{port}/api/"));
        await app.StartAsync();
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
