using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ChatAgent.Bot.Hosting;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.TestSupport;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ChatAgent.Bot.Tests.Hosting;

public sealed class OperationsTests
{
    [Fact]
    public async Task Readyz_Is503WhileThePostgresDatabaseRefusesConnections_AndReadyAgainAfter_WhileHealthzStays200()
    {
        await using var host = await BotHost.StartAsync(postgres: true);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/readyz")).StatusCode);
        var database = new NpgsqlConnectionStringBuilder(host.ConnectionString).Database!;
        var admin = new NpgsqlConnectionStringBuilder(host.ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString;

        // The database goes away for this host: no new connections, and the open ones are cut.
        await ExecuteAsync(admin, $"ALTER DATABASE \"{database}\" WITH ALLOW_CONNECTIONS false; " +
                                  $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}' AND pid <> pg_backend_pid()");
        try
        {
            await Poll.UntilAsync(() => host.Client.GetAsync("/readyz"), r => r.StatusCode == HttpStatusCode.ServiceUnavailable, what: "/readyz to report 503");
            Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/healthz")).StatusCode);
        }
        finally
        {
            await ExecuteAsync(admin, $"ALTER DATABASE \"{database}\" WITH ALLOW_CONNECTIONS true");
        }
        await Poll.UntilAsync(() => host.Client.GetAsync("/readyz"), r => r.StatusCode == HttpStatusCode.OK, what: "/readyz to recover");
    }

    [Fact]
    public async Task Dashboard_WithoutUsers_OpensForLocalRequests()
    {
        await using var host = await BotHost.StartAsync();
        var response = await host.Client.GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Hangfire", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Dashboard_WithUsers_NeedsBasicAuthWithOneOfThem()
    {
        await using var host = await BotHost.StartAsync(new Dictionary<string, string?> { ["Dashboard:Users:0"] = "ops:s3cret-1", ["Dashboard:Users:1"] = "sre:s3cret-2" });
        var anonymous = await host.Client.GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.StartsWith("Basic", anonymous.Headers.WwwAuthenticate.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsBasicAsync(host, "ops:s3cret-2")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsBasicAsync(host, "ops")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsBasicAsync(host, "sre:s3cret-2")).StatusCode);
    }

    [Theory]
    [InlineData("127.0.0.1", null, null, true)]
    [InlineData("10.0.0.7", null, null, false)]
    [InlineData("127.0.0.1", "ops:pw", null, false)]
    [InlineData("10.0.0.7", "ops:pw", "ops:pw", true)]
    [InlineData("10.0.0.7", "ops:pw", "ops:pw2", false)]
    public void DashboardFilter_LocalOnlyWithoutUsers_BasicAuthWithUsers(string remote, string? configured, string? presented, bool allowed)
    {
        var filter = new DashboardAuthorizationFilter(configured is null ? [] : [configured]);
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        if (presented is not null) http.Request.Headers.Authorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(presented));
        Assert.Equal(allowed, filter.Authorize(http));
    }

    [Fact]
    public async Task EveryLogLineOfAStep_CarriesTheThreadIdAndStep()
    {
        var capture = new CapturingLoggerProvider();
        await using var host = await BotHost.StartAsync(
            new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Information" },
            services: s => s.AddSingleton<ILoggerProvider>(capture));
        var id = await host.LaunchAsync("deploy", "api");
        await host.WaitForStatusAsync(id, "completed");
        await Poll.UntilAsync(() => Task.FromResult(capture.Entries.Count(e => e.Category == "ChatAgent.Jobs.RunThreadJob")), n => n > 0, what: "the run job's closing log line");

        var steps = capture.Entries.Where(e => e.Category.StartsWith("ChatAgent.Core.", StringComparison.Ordinal) && e.Scope.ContainsKey("Step")).ToList();
        Assert.True(steps.Count >= 3, $"expected a line per step, got {steps.Count}");
        Assert.All(steps, e => Assert.Equal(id, e.Scope["ThreadId"]));
        Assert.Equal([0, 1, 2], steps.Select(e => Convert.ToInt32(e.Scope["Step"])).Distinct().Order());
        var loop = capture.Entries.Where(e => e.Category is "ChatAgent.Core.Runtime.AgentLoop" or "ChatAgent.Jobs.RunThreadJob" or "ChatAgent.Jobs.DeliverMessagesJob").ToList();
        Assert.NotEmpty(loop);
        Assert.All(loop, e => Assert.True(e.Scope.TryGetValue("ThreadId", out var t) && (string?)t == id, $"no thread id on: {e.Category}: {e.Message}"));
    }

    private static async Task<HttpResponseMessage> GetAsBasicAsync(BotHost host, string credentials)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/hangfire");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        return await host.Client.SendAsync(request);
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
