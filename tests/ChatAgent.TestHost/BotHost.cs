using ChatAgent.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatAgent.TestHost;

/// <summary>
/// The real bot host (Program.cs) on real Kestrel, on a free loopback port, with configuration overrides.
/// <see cref="Client"/> talks to it over real HTTP. Use <see cref="StartAsync"/>; dispose to stop.
/// Storage is in memory unless <paramref name="postgres"/> is true (a fresh PostgreSQL database per host).
/// </summary>
public sealed class BotHost : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;

    private BotHost(WebApplicationFactory<Program> factory, Uri baseAddress, string? connectionString, string dataDir)
    {
        _factory = factory;
        BaseAddress = baseAddress;
        ConnectionString = connectionString;
        DataDir = dataDir;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    /// <summary>The PostgreSQL database of this host, when it runs on PostgreSQL.</summary>
    public string? ConnectionString { get; }

    /// <summary>Where the sample scripts write (<c>releases.log</c>): one folder per host.</summary>
    public string DataDir { get; }

    public IServiceProvider Services => _factory.Services;

    public T Get<T>() where T : notnull => _factory.Services.GetRequiredService<T>();

    /// <param name="services">Replaces services after the host's own (e.g. a <c>TimeProvider</c>, a logger provider).</param>
    public static async Task<BotHost> StartAsync(
        IDictionary<string, string?>? settings = null, bool postgres = false, string? connectionString = null, Action<IServiceCollection>? services = null)
    {
        var cs = connectionString ?? (postgres ? await PostgresServer.CreateDatabaseAsync() : null);
        var dataDir = Directory.CreateTempSubdirectory("chatagent-data-").FullName;
        DataDirs.Add(dataDir);
        var all = new Dictionary<string, string?>
        {
            ["Agents:Path"] = RepositoryPaths.Agents,
            ["Agents:DataDir"] = dataDir,
            ["ConnectionStrings:Postgres"] = cs ?? "",
            ["Logging:LogLevel:Default"] = "Warning",
            // Small and fixed, so the hosts of every test assembly fit PostgreSQL's max_connections together (docs/TESTING.md).
            ["Jobs:WorkerCount"] = "4",
            ["Postgres:MaxPoolSize"] = "12",
            // The idle trim is a full GC of the whole process, which here is the test run's, shared by every host in it.
            ["Jobs:TrimMemoryAfterIdle"] = "00:00:00",
            // Without it Program's app.Run() may bind the default localhost:5000, taken when tests run side by side.
            ["Urls"] = "http://127.0.0.1:0",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) all[k] = v;

        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Testing");
            b.ConfigureAppConfiguration((_, c) => c.AddInMemoryCollection(all));
            foreach (var (k, v) in all) b.UseSetting(k, v);
            if (services is not null) b.ConfigureServices(services);
            if (HostLogFile.Path is { } log) b.ConfigureServices(s => s.AddSingleton<ILoggerProvider>(new HostLogFile(log)));
        });
        factory.UseKestrel(0);
        factory.StartServer();
        var addresses = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        var address = new Uri(addresses.First().Replace("[::]", "127.0.0.1").Replace("0.0.0.0", "127.0.0.1").Replace("localhost", "127.0.0.1"));
        return new BotHost(factory, address, cs, dataDir);
    }

    /// <summary>
    /// The folders the hosts of this test process created, removed when it exits rather than with their host: a test may
    /// start a second host on the first one's folder (a restart).
    /// </summary>
    private static readonly System.Collections.Concurrent.ConcurrentBag<string> DataDirs = CleanUpAtExit();

    private static System.Collections.Concurrent.ConcurrentBag<string> CleanUpAtExit()
    {
        var dirs = new System.Collections.Concurrent.ConcurrentBag<string>();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var dir in dirs)
            {
                try
                {
                    Directory.Delete(dir, recursive: true);
                }
                catch (IOException)
                {
                    // A script a test started may still be writing there; the OS's temp cleanup takes the rest.
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        };
        return dirs;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
    }
}
