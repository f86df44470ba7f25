using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatAgent.Bot.Tests.Support;

namespace ChatAgent.Bot.Tests.Api;

public sealed class ThreadsApiSmokeTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DeployThread_WaitsForApproval_ThenCompletes_OverRealHttp(bool postgres)
    {
        await using var host = await BotHost.StartAsync(postgres: postgres);
        var launch = await host.Client.PostAsJsonAsync("/api/threads", new { agent = "deploy", input = "api to production", user = "web:alice" });
        Assert.Equal(HttpStatusCode.Accepted, launch.StatusCode);
        var id = (await launch.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        Assert.Equal($"/api/threads/{id}", launch.Headers.Location!.OriginalString);

        var waiting = await Poll.UntilAsync(() => GetAsync(host, id), s => s.GetProperty("status").GetString() == "awaiting_human");
        var approval = waiting.GetProperty("pendingApprovals")[0];
        Assert.Equal("deploy_to_production", approval.GetProperty("tool").GetString());

        var decide = await host.Client.PostAsJsonAsync($"/api/threads/{id}/approvals/{approval.GetProperty("id").GetString()}", new { decision = "approve", user = "web:bob" });
        Assert.Equal(HttpStatusCode.OK, decide.StatusCode);

        var done = await Poll.UntilAsync(() => GetAsync(host, id), s => s.GetProperty("status").GetString() == "completed");
        Assert.Equal("Deployed api 1.4.2 to production.", done.GetProperty("summary").GetString());
        var log = await File.ReadAllLinesAsync(Path.Combine(host.DataDir, "releases.log"));
        Assert.Single(log, l => l.Contains("tool=deploy_to_production"));
    }

    private static async Task<JsonElement> GetAsync(BotHost host, string id) =>
        await host.Client.GetFromJsonAsync<JsonElement>($"/api/threads/{id}");
}
