using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatAgent.Bot.Tests.Observability;

public sealed class RedactionTests
{
    private static readonly Dictionary<string, string> Secrets = new()
    {
        ["Slack:SigningSecret"] = "slack-signing-5ecr3t-4f1a9c",
        ["Slack:BotToken"] = "xoxb-5ecr3t-bot-token-77d2e0",
        ["Teams:AppPassword"] = "teams-app-pa55w0rd-b83c11",
        ["Llm:ApiKey"] = "sk-5ecr3t-llm-key-0c9f4e",
        ["Api:Keys:ops:Key"] = "api-key-5ecr3t-d41e8a",
        ["Webhooks:Secret"] = "webhook-5ecr3t-6a2f70",
        ["Tools:Secrets:deploy_to_production"] = "hmac-5ecr3t-e5b7a3",
    };

    /// <summary>
    /// A full flow over the REST API (launch, approval, completion) with a model planner on a local fake OpenAI server,
    /// every log level captured. The Slack and Teams flows are in <see cref="ChatRedactionTests"/>.
    /// </summary>
    [Fact]
    public async Task KnownSecretValues_NeverAppear_InLogsEventsOrModelRequests()
    {
        await using var model = new FakeOpenAiServer(
            ("run_tests", new { service = "api" }),
            ("deploy_to_staging", new { service = "api", version = "1.4.2" }),
            ("deploy_to_production", new { service = "api", version = "1.4.2" }),
            ("done", new { summary = "Deployed api 1.4.2 to production." }));
        var logs = new CapturingLoggerProvider();
        var settings = Secrets.ToDictionary(s => s.Key, s => (string?)s.Value);
        settings["Llm:Provider"] = "openai";
        settings["Llm:Model"] = "gpt-test";
        settings["Llm:BaseUrl"] = model.Url;
        settings["Logging:LogLevel:Default"] = "Trace";
        settings["Api:Keys:ops:ActAs:0"] = "web:*";
        settings["Approvals:Groups:deployers:0"] = "web:bob";
        settings["Approvals:Groups:sre-leads:0"] = "web:sam";
        await using var host = await BotHost.StartAsync(settings, postgres: true, services: s => s.AddSingleton<ILoggerProvider>(logs));
        host.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Secrets["Api:Keys:ops:Key"]);

        var launch = await host.Client.PostAsJsonAsync("/api/threads", new { agent = "deploy", input = "api to production", user = "web:alice" });
        launch.EnsureSuccessStatusCode();
        var id = (await launch.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var waiting = await Poll.UntilAsync(() => host.Client.GetFromJsonAsync<JsonElement>($"/api/threads/{id}"),
            s => s.GetProperty("status").GetString() == "awaiting_human", what: "the approval request");
        var decide = await host.Client.PostAsJsonAsync($"/api/threads/{id}/approvals/{waiting.GetProperty("pendingApprovals")[0].GetProperty("id").GetString()}",
            new { decision = "approve", user = "web:bob" });
        decide.EnsureSuccessStatusCode();
        await Poll.UntilAsync(() => host.Client.GetFromJsonAsync<JsonElement>($"/api/threads/{id}"),
            s => s.GetProperty("status").GetString() == "completed", what: "completion");

        var events = await host.Client.GetStringAsync($"/api/threads/{id}/events");
        var audit = await host.Client.GetStringAsync("/api/audit");
        Assert.Contains("model_decision", events);
        Assert.True(model.Requests.Count >= 4, $"the model was asked {model.Requests.Count} times");
        Assert.All(model.Requests, r => Assert.Equal("Bearer " + Secrets["Llm:ApiKey"], r.Authorization));
        Assert.NotEmpty(logs.Lines);
        foreach (var secret in Secrets.Values)
        {
            Assert.DoesNotContain(logs.Lines, l => l.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(secret, events);
            Assert.DoesNotContain(secret, audit);
            Assert.DoesNotContain(model.Requests, r => r.Body.Contains(secret, StringComparison.Ordinal));
        }
    }
}
