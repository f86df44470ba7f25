using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace ChatAgent.Bot.Tests.Api;

public sealed class ThreadsApiSmokeTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DeployThread_WaitsForApproval_ThenCompletes_OverRealHttp(bool postgres)
    {
        var capture = new CapturingLoggerProvider();
        await using var host = await BotHost.StartAsync(postgres: postgres, services: s => s.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(capture));
        var body = new { agent = "deploy", input = "api to production", user = "web:alice", idempotencyKey = "smoke-1" };
        var launch = await host.Client.PostAsJsonAsync("/api/threads", body);
        Assert.True(launch.StatusCode == HttpStatusCode.Accepted, string.Join("\n", capture.Entries.Where(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error).Select(e => e.Message + " " + e.Exception)));
        var id = (await launch.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        Assert.Equal($"/api/threads/{id}", launch.Headers.Location!.OriginalString);
        var repeat = await host.Client.PostAsJsonAsync("/api/threads", body);
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.Equal(id, (await repeat.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString());

        var waiting = await Poll.UntilAsync(() => GetAsync(host, id), s => s.GetProperty("status").GetString() == "awaiting_human", TimeSpan.FromSeconds(90));
        var approval = waiting.GetProperty("pendingApprovals")[0];
        Assert.Equal("deploy_to_production", approval.GetProperty("tool").GetString());
        var listed = await host.Client.GetFromJsonAsync<JsonElement[]>("/api/threads?status=awaiting_human&agent=deploy");
        Assert.Equal([id], listed!.Select(t => t.GetProperty("id").GetString()));

        var decide = await host.Client.PostAsJsonAsync($"/api/threads/{id}/approvals/{approval.GetProperty("id").GetString()}", new { decision = "approve", user = "web:bob" });
        Assert.Equal(HttpStatusCode.OK, decide.StatusCode);

        var done = await Poll.UntilAsync(() => GetAsync(host, id), s => s.GetProperty("status").GetString() == "completed", TimeSpan.FromSeconds(90));
        Assert.Equal("Deployed api 1.4.2 to production.", done.GetProperty("summary").GetString());
        var log = await File.ReadAllLinesAsync(Path.Combine(host.DataDir, "releases.log"));
        Assert.Single(log, l => l.Contains("tool=deploy_to_production"));

        // Time travel from storage: the state at the approval's seq is the state the thread had while it waited.
        var version = waiting.GetProperty("version").GetInt64();
        var then = await host.Client.GetFromJsonAsync<JsonElement>($"/api/threads/{id}/state?at={version}");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(waiting.GetRawText()), JsonNode.Parse(then.GetRawText())));
        var after = await host.Client.GetFromJsonAsync<JsonElement[]>($"/api/threads/{id}/events?after={version}");
        Assert.Equal("approval_decided", after![0].GetProperty("type").GetString());
        Assert.Equal("thread_completed", after.Last(e => e.GetProperty("type").GetString() != "message_queued").GetProperty("type").GetString());
    }

    private static async Task<JsonElement> GetAsync(BotHost host, string id) =>
        await host.Client.GetFromJsonAsync<JsonElement>($"/api/threads/{id}");
}
