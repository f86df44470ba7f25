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

    private readonly bool _ownsDataDir;

    private BotHost(WebApplicationFactory<Program> factory, Uri baseAddress, string? connectionString, string dataDir, bool ownsDataDir)
    {
        _factory = factory;
        _ownsDataDir = ownsDataDir;
        BaseAddress = baseAddress;
        ConnectionString = connectionString;
        DataDir = dataDir;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    /// <summary>The PostgreSQL database of this host, when it runs on PostgreSQL.</summary>
    public string? ConnectionString { get; }

    /// <summary>Where the sample scripts write (<c>releases.log</c>): one folder per host, removed when it stops (unless the test named it).</summary>
    public string DataDir { get; }

    public IServiceProvider Services => _factory.Services;

    public T Get<T>() where T : notnull => _factory.Services.GetRequiredService<T>();

    /// <param name="services">Replaces services after the host's own (e.g. a <c>TimeProvider</c>, a logger provider).</param>
    public static async Task<BotHost> StartAsync(
        IDictionary<string, string?>? settings = null, bool postgres = false, string? connectionString = null, Action<IServiceCollection>? services = null)
    {
        var cs = connectionString ?? (postgres ? await PostgresServer.CreateDatabaseAsync() : null);
        // A folder of its own, removed with the host, unless the test names one (a restart on the first host's files).
        var ownsDataDir = settings?.ContainsKey("Agents:DataDir") != true;
        var dataDir = ownsDataDir ? Directory.CreateTempSubdirectory("chatagent-data-").FullName : settings!["Agents:DataDir"]!;
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
        try
        {
            factory.StartServer();
        }
        catch
        {
            // A host refused at start (the tests of refused configurations) leaves no folder behind either.
            await factory.DisposeAsync();
            if (ownsDataDir) DeleteQuietly(dataDir);
            throw;
        }
        var addresses = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        var address = new Uri(addresses.First().Replace("[::]", "127.0.0.1").Replace("0.0.0.0", "127.0.0.1").Replace("localhost", "127.0.0.1"));
        return new BotHost(factory, address, cs, dataDir, ownsDataDir);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
        if (_ownsDataDir) DeleteQuietly(DataDir);
    }

    private static void DeleteQuietly(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // A script the test started may still be writing there; the OS's temp cleanup takes the rest.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
