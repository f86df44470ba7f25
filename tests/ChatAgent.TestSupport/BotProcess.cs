using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace ChatAgent.TestSupport;

/// <summary>
/// The real bot as a child process (<c>dotnet ChatAgent.Bot.dll</c>) on a free loopback port, configured through
/// environment variables like an operator would. <see cref="Kill"/> is SIGKILL: no shutdown hooks run.
/// The same <see cref="Settings"/> restart it after a kill (<see cref="RestartAsync"/>), on the same port.
/// Used by the multi-process tests and the load driver; the built bot's path comes from the <c>BotDll</c> assembly
/// metadata of the test or driver assembly that builds it.
/// </summary>
public sealed class BotProcess : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;

    private BotProcess(IReadOnlyDictionary<string, string> settings, int port, Func<Uri, HttpClient>? client)
    {
        Settings = settings;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        Client = client?.Invoke(BaseAddress) ?? new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The built bot, in the configuration of the assembly that declares it (which builds the bot first).</summary>
    public static string BotDll { get; } = AppDomain.CurrentDomain.GetAssemblies()
        .SelectMany(a => a.GetCustomAttributes<AssemblyMetadataAttribute>())
        .First(a => a.Key == "BotDll").Value!;

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    /// <summary>Environment of the process (configuration keys in <c>__</c> form).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>The process id of the running bot.</summary>
    public int Pid => _process?.Id ?? throw new InvalidOperationException("The bot is not running.");

    /// <summary>The last lines the process wrote, for failure messages.</summary>
    public string RecentOutput => string.Join('\n', _output.TakeLast(60));

    /// <summary>
    /// Starts a bot on <paramref name="connectionString"/> writing to <paramref name="dataDir"/> and waits for
    /// <c>/readyz</c>. <paramref name="settings"/> override the defaults (the <c>Testing</c> environment included);
    /// <paramref name="client"/> builds <see cref="Client"/> for the bot's address.
    /// </summary>
    public static async Task<BotProcess> StartAsync(
        string connectionString, string dataDir, IDictionary<string, string>? settings = null, Func<Uri, HttpClient>? client = null)
    {
        if (!File.Exists(BotDll)) throw new InvalidOperationException($"{BotDll} is missing: build the bot in the same configuration first.");
        var port = FreePort();
        var all = Defaults(connectionString, dataDir);
        all["Urls"] = $"http://127.0.0.1:{port}";
        foreach (var (k, v) in settings ?? new Dictionary<string, string>()) all[k] = v;
        var bot = new BotProcess(all, port, client);
        await bot.RestartAsync();
        return bot;
    }

    /// <summary>
    /// Runs the bot once with <paramref name="command"/> (e.g. <c>rebuild-projections</c>), configured like
    /// <see cref="StartAsync"/>, and returns its exit code and what it wrote to stdout and stderr.
    /// </summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunCommandAsync(string connectionString, string dataDir, string command)
    {
        using var process = Process.Start(StartInfo(Defaults(connectionString, dataDir), command)) ?? throw new InvalidOperationException("Could not start the bot");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    /// <summary>Starts the process (again) and waits until it answers <c>/readyz</c> with 200.</summary>
    public async Task RestartAsync()
    {
        if (_process is { HasExited: false }) throw new InvalidOperationException("The bot is still running.");
        _process?.Dispose();
        var process = Process.Start(StartInfo(Settings)) ?? throw new InvalidOperationException("Could not start the bot");
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"The bot exited with {process.ExitCode} before it was ready:\n{RecentOutput}");
            try
            {
                using var ready = await Client.GetAsync("/readyz");
                if (ready.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The bot was not ready within 120 s:\n{RecentOutput}");
            await Task.Delay(100);
        }
    }

    /// <summary>SIGKILL: the process dies at once, in the middle of whatever it was doing.</summary>
    public void Kill()
    {
        if (_process is not { HasExited: false } p) return;
        p.Kill(entireProcessTree: true);
        p.WaitForExit();
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process?.Dispose();
        Client.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        _output.Enqueue(line);
        while (_output.Count > 200) _output.TryDequeue(out _);
    }

    private static Dictionary<string, string> Defaults(string connectionString, string dataDir) => new()
    {
        ["ConnectionStrings__Postgres"] = connectionString,
        ["Agents__Path"] = RepositoryPaths.Agents,
        ["Agents__DataDir"] = dataDir,
        ["DOTNET_ENVIRONMENT"] = "Testing",
        ["ASPNETCORE_ENVIRONMENT"] = "Testing",
        ["Logging__LogLevel__Default"] = "Warning",
        ["Logging__Console__FormatterName"] = "simple",
    };

    /// <summary><c>dotnet ChatAgent.Bot.dll [args]</c> with <paramref name="environment"/>, its output captured.</summary>
    private static ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(BotDll)!,
        };
        start.ArgumentList.Add(BotDll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (k, v) in environment) start.Environment[k] = v;
        return start;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
