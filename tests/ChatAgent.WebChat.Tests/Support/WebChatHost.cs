using ChatAgent.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ChatAgent.WebChat.Tests.Support;

/// <summary>
/// The real bot host (Program.cs, so the web chat's static files too) on real Kestrel on a free loopback port.
/// Storage is in memory unless <c>postgres</c> is true (a fresh PostgreSQL database per host).
/// </summary>
public sealed class WebChatHost : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;

    private WebChatHost(WebApplicationFactory<Program> factory, Uri baseAddress)
    {
        _factory = factory;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public static async Task<WebChatHost> StartAsync(bool postgres = false, IDictionary<string, string?>? settings = null)
    {
        var cs = postgres ? await PostgresServer.CreateDatabaseAsync() : null;
        var all = new Dictionary<string, string?>
        {
            ["Agents:Path"] = RepositoryPaths.Agents,
            ["Agents:DataDir"] = Directory.CreateTempSubdirectory("chatagent-webchat-data-").FullName,
            ["ConnectionStrings:Postgres"] = cs ?? "",
            ["Logging:LogLevel:Default"] = "Warning",
            // Small and fixed, so the hosts of every test assembly fit PostgreSQL's max_connections together (docs/TESTING.md).
            ["Jobs:WorkerCount"] = "4",
            ["Postgres:MaxPoolSize"] = "12",
            ["Urls"] = "http://127.0.0.1:0", // not appsettings' :5000, which a developer's own bot may hold
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) all[k] = v;
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Testing");
            b.ConfigureAppConfiguration((_, c) => c.AddInMemoryCollection(all));
            foreach (var (k, v) in all) b.UseSetting(k, v);
        });
        factory.UseKestrel(0);
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new WebChatHost(factory, new Uri(address.Replace("[::]", "127.0.0.1").Replace("0.0.0.0", "127.0.0.1").Replace("localhost", "127.0.0.1")));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
    }
}
