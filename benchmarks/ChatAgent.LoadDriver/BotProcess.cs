using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Reflection;

namespace ChatAgent.LoadDriver;

/// <summary>
/// The real bot as a child process (<c>dotnet ChatAgent.Bot.dll</c>, built in the driver's configuration) on a free
/// loopback port, configured through environment variables like an operator would.
/// </summary>
public sealed class BotProcess : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _output = new();
    private readonly Process _process;

    private BotProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        Client = Http.Client(baseAddress);
    }

    public static string BotDll { get; } = typeof(BotProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "BotDll").Value!;

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public int Pid => _process.Id;

    public string RecentOutput => string.Join('\n', _output.TakeLast(40));

    /// <summary>Resident set size (VmRSS) of the process in KB, from /proc.</summary>
    public long WorkingSetKb() => Machine.RssKb(_process.Id);

    public static async Task<BotProcess> StartAsync(string connectionString, string dataDir, IDictionary<string, string> settings)
    {
        if (!File.Exists(BotDll)) throw new InvalidOperationException($"{BotDll} is missing: build the driver with the same -c as the bot.");
        var port = Http.FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(BotDll)!,
        };
        start.ArgumentList.Add(BotDll);
        var env = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = connectionString,
            ["Urls"] = $"http://127.0.0.1:{port}",
            ["Agents__Path"] = TestSupport.RepositoryPaths.Agents,
            ["Agents__DataDir"] = dataDir,
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__Console__FormatterName"] = "simple",
        };
        foreach (var (k, v) in settings) env[k] = v;
        foreach (var (k, v) in env) start.Environment[k] = v;
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the bot");
        var bot = new BotProcess(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => bot.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => bot.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"The bot exited with {process.ExitCode} before it was ready:\n{bot.RecentOutput}");
            try
            {
                using var ready = await bot.Client.GetAsync("/readyz");
                if (ready.StatusCode == HttpStatusCode.OK) return bot;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The bot was not ready within 120 s:\n{bot.RecentOutput}");
            await Task.Delay(100);
        }
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
        Client.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        _output.Enqueue(line);
        while (_output.Count > 200) _output.TryDequeue(out _);
    }
}
