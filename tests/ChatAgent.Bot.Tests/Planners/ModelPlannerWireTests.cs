using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.TestSupport;

namespace ChatAgent.Bot.Tests.Planners;

/// <summary>
/// The real OpenAI and Anthropic clients, built by PlannerFactory from Llm:* configuration, talking to a local server that
/// speaks their wire formats. (Anthropic's tool input is a JSON object, not a string: its "malformed JSON" is a response
/// body that is not valid JSON.) One valid tool call is executed once; everything else becomes an error event, the third
/// of which pauses and escalates, and nothing is executed.
/// </summary>
public sealed class ModelPlannerWireTests
{
    public static TheoryData<string> Providers => ["openai", "anthropic"];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ValidToolCall_IsExecutedOnce_ThenTheThreadFinishes(string provider)
    {
        await using var model = new FakeModelServer(i => (200, i == 0 ? ToolCall(provider, "run_tests", """{"service":"api"}""") : ToolCall(provider, "done", """{"summary":"tested api"}""")));
        await using var host = await StartAsync(provider, model);

        var id = await LaunchAsync(host);
        var done = await Poll.UntilAsync(() => GetAsync(host, id), s => s.GetProperty("status").GetString() == "completed");

        Assert.Equal("tested api", done.GetProperty("summary").GetString());
        Assert.Single(File.ReadAllLines(Path.Combine(host.DataDir, "releases.log")), l => l.Contains("tool=run_tests"));
        Assert.Equal(2, model.Requests.Count);
        Assert.All(model.Requests, r => Assert.EndsWith(provider == "openai" ? "/chat/completions" : "/v1/messages", r.Path));
        Assert.Contains("run_tests", model.Requests[0].Body); // the tool declarations went over the wire
    }

    [Theory]
    [InlineData("openai", "malformed")]
    [InlineData("openai", "text")]
    [InlineData("openai", "429")]
    [InlineData("openai", "500")]
    [InlineData("anthropic", "malformed")]
    [InlineData("anthropic", "text")]
    [InlineData("anthropic", "429")]
    [InlineData("anthropic", "500")]
    public async Task BadAnswer_IsAnErrorEvent_RetriedThenEscalatedAfterThree_AndNothingRuns(string provider, string answer)
    {
        await using var model = new FakeModelServer(_ => answer switch
        {
            "malformed" => (200, ToolCall(provider, "run_tests", """{"service": "api" """)),
            "text" => (200, Text(provider, "I'm sorry, I can't help with deployments.")),
            "429" => (429, Error(provider, "rate_limit_error", "Rate limit reached")),
            _ => (500, Error(provider, "api_error", "Internal server error")),
        });
        await using var host = await StartAsync(provider, model);

        var id = await LaunchAsync(host);
        var paused = await Poll.UntilAsync(() => GetAsync(host, id), s => s.GetProperty("status").GetString() == "paused", TimeSpan.FromSeconds(90));

        Assert.True(paused.GetProperty("escalated").GetBoolean());
        var events = await host.Client.GetFromJsonAsync<JsonElement[]>($"/api/threads/{id}/events");
        var errors = events!.Where(e => e.GetProperty("type").GetString() == "error").ToList();
        Assert.Equal(3, errors.Count);
        Assert.All(errors, e => Assert.Equal("planner", e.GetProperty("data").GetProperty("source").GetString()));
        Assert.DoesNotContain(events!, e => e.GetProperty("type").GetString() == "tool_call");
        Assert.False(File.Exists(Path.Combine(host.DataDir, "releases.log")));
        // 3 planner decisions; HTTP errors also go through the SDK's own retries, which the fake counts.
        Assert.True(model.Requests.Count >= 3, $"{model.Requests.Count} requests");
        if (answer is "malformed" or "text") Assert.Equal(3, model.Requests.Count);
    }

    [Fact]
    public async Task Ollama_IsTheOpenAiWireWithoutAnApiKey_AndTheDecisionNamesIt()
    {
        await using var model = new FakeModelServer(i => (200, i == 0 ? ToolCall("openai", "run_tests", """{"service":"api"}""") : ToolCall("openai", "done", """{"summary":"tested api"}""")));
        // What docs/README's Ollama row configures: a provider and a model; the base URL only because the fake is not on :11434.
        await using var host = await BotHost.StartAsync(new Dictionary<string, string?>
        {
            ["Llm:Provider"] = "Ollama",
            ["Llm:Model"] = "llama3.1",
            ["Llm:BaseUrl"] = model.BaseUrl + "v1",
        });

        var id = await LaunchAsync(host);
        await Poll.UntilAsync(() => GetAsync(host, id), s => s.GetProperty("status").GetString() == "completed");

        Assert.Equal(2, model.Requests.Count);
        Assert.All(model.Requests, r => Assert.Equal("/v1/chat/completions", r.Path));
        Assert.Contains("\"model\":\"llama3.1\"", model.Requests[0].Body);
        var events = await host.Client.GetFromJsonAsync<JsonElement[]>($"/api/threads/{id}/events");
        var decisions = events!.Where(e => e.GetProperty("type").GetString() == "model_decision").Select(e => e.GetProperty("data").GetProperty("planner").GetString());
        Assert.Equal(["ollama:llama3.1", "ollama:llama3.1"], decisions);
    }

    private static async Task<BotHost> StartAsync(string provider, FakeModelServer model) =>
        await BotHost.StartAsync(new Dictionary<string, string?>
        {
            ["Llm:Provider"] = provider,
            ["Llm:Model"] = provider == "openai" ? "gpt-test" : "claude-test",
            ["Llm:ApiKey"] = "sk-test",
            ["Llm:BaseUrl"] = provider == "openai" ? model.BaseUrl + "v1" : model.BaseUrl.TrimEnd('/'),
        });

    private static async Task<string> LaunchAsync(BotHost host)
    {
        var launch = await host.Client.PostAsJsonAsync("/api/threads", new { agent = "deploy", input = "api to staging", user = "web:alice" });
        Assert.Equal(HttpStatusCode.Accepted, launch.StatusCode);
        return (await launch.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static async Task<JsonElement> GetAsync(BotHost host, string id) =>
        await host.Client.GetFromJsonAsync<JsonElement>($"/api/threads/{id}");

    internal static string ToolCall(string provider, string tool, string arguments) => provider == "openai"
        ? JsonSerializer.Serialize(new
        {
            id = "chatcmpl-1", @object = "chat.completion", created = 1700000000, model = "gpt-test",
            choices = new[]
            {
                new
                {
                    index = 0, finish_reason = "tool_calls",
                    message = new { role = "assistant", content = (string?)null, tool_calls = new[] { new { id = "call_1", type = "function", function = new { name = tool, arguments } } } },
                },
            },
            usage = new { prompt_tokens = 10, completion_tokens = 5, total_tokens = 15 },
        })
        : """{"id":"msg_1","type":"message","role":"assistant","model":"claude-test","stop_reason":"tool_use","stop_sequence":null,"content":[{"type":"tool_use","id":"toolu_1","name":" """.TrimEnd()
          + tool + "\",\"input\":" + arguments + """}],"usage":{"input_tokens":10,"output_tokens":5}}""";

    internal static string Text(string provider, string text) => provider == "openai"
        ? JsonSerializer.Serialize(new
        {
            id = "chatcmpl-2", @object = "chat.completion", created = 1700000000, model = "gpt-test",
            choices = new[] { new { index = 0, finish_reason = "stop", message = new { role = "assistant", content = text, refusal = text } } },
            usage = new { prompt_tokens = 10, completion_tokens = 5, total_tokens = 15 },
        })
        : JsonSerializer.Serialize(new
        {
            id = "msg_2", type = "message", role = "assistant", model = "claude-test", stop_reason = "end_turn", stop_sequence = (string?)null,
            content = new[] { new { type = "text", text } },
            usage = new { input_tokens = 10, output_tokens = 5 },
        });

    private static string Error(string provider, string type, string message) => provider == "openai"
        ? JsonSerializer.Serialize(new { error = new { message, type, code = (string?)null } })
        : JsonSerializer.Serialize(new { type = "error", error = new { type, message } });
}
