using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatAgent.Bot.Tests.Planners;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.TestSupport;

namespace ChatAgent.Bot.Tests.Faults;

/// <summary>
/// The model (a local OpenAI-compatible server, through the real OpenAI client the host builds from <c>Llm:*</c>)
/// answers nothing usable for a whole thread: plain text, invalid JSON arguments, an unknown tool, two calls at once,
/// arguments that break the tool's schema. The thread escalates after three in a row, again after a person resumes it,
/// and no tool ever runs.
/// </summary>
public sealed class ModelGarbageTests
{
    private static readonly string[] Garbage = ["text", "invalid-json", "unknown-tool", "two-calls", "bad-arguments", "text"];

    [Fact]
    public async Task ModelAnsweringGarbageForAWholeThread_EscalatesAfterThree_EachTime_AndNeverExecutesATool()
    {
        await using var model = new FakeModelServer(i => (200, Answer(Garbage[Math.Min(i, Garbage.Length - 1)])));
        await using var host = await BotHost.StartAsync(model.OpenAiSettings(), postgres: true);

        var launch = await host.Client.PostAsJsonAsync("/api/threads", new { agent = "deploy", input = "api to production", user = "web:alice" });
        Assert.Equal(HttpStatusCode.Accepted, launch.StatusCode);
        var id = (await launch.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        var first = await PausedAsync(host, id, pauses: 1);
        Assert.True(first.GetProperty("escalated").GetBoolean());
        Assert.Equal("consecutive_errors", first.GetProperty("pausedReason").GetString());

        // A person resumes; the model goes on answering garbage, and the thread escalates again after three more.
        var resume = await host.Client.PostAsJsonAsync($"/api/threads/{id}/resume", new { user = "web:alice", feedback = "Try again, one tool call please." });
        Assert.Equal(HttpStatusCode.OK, resume.StatusCode);
        var second = await PausedAsync(host, id, pauses: 2);
        Assert.True(second.GetProperty("escalated").GetBoolean());

        var events = (await host.Client.GetFromJsonAsync<JsonElement[]>($"/api/threads/{id}/events"))!;
        var types = events.Select(e => e.GetProperty("type").GetString()).ToList();
        var errors = events.Where(e => e.GetProperty("type").GetString() == "error").Select(e => e.GetProperty("data").GetProperty("message").GetString()!).ToList();
        Assert.Equal(6, errors.Count);
        Assert.Contains("text instead of a tool call", errors[0]);
        Assert.Contains("not valid JSON", errors[1]);
        Assert.Contains("Unknown tool 'drop_database'", errors[2]);
        Assert.Contains("2 tool calls at once", errors[3]);
        Assert.Contains("do not match its schema", errors[4]);
        Assert.Contains("text instead of a tool call", errors[5]);
        Assert.Equal(2, types.Count(t => t == "thread_paused"));
        Assert.DoesNotContain("tool_call", types);
        Assert.DoesNotContain("tool_result", types);
        Assert.DoesNotContain("approval_requested", types);
        Assert.False(File.Exists(Path.Combine(host.DataDir, "releases.log")), "no script ran");
        Assert.Equal(6, model.Requests.Count); // one model call per step; nothing retried behind the thread's back
    }

    /// <summary>Waits for the thread's <paramref name="pauses"/>-th pause; returns its state then.</summary>
    private static async Task<JsonElement> PausedAsync(BotHost host, string id, int pauses)
    {
        await Poll.UntilAsync(
            async () => (await host.Client.GetFromJsonAsync<JsonElement[]>($"/api/threads/{id}/events"))!,
            events => events.Count(e => e.GetProperty("type").GetString() == "thread_paused") == pauses,
            TimeSpan.FromSeconds(60), $"pause #{pauses}");
        return await host.Client.GetFromJsonAsync<JsonElement>($"/api/threads/{id}");
    }

    /// <summary>An OpenAI chat completion carrying one kind of garbage.</summary>
    private static string Answer(string kind) => kind switch
    {
        "text" => Completion(new { role = "assistant", content = "Sure! I deployed it for you.", refusal = (string?)null }, "stop"),
        "invalid-json" => Calls(("run_tests", """{"service": "api" """)),
        "unknown-tool" => Calls(("drop_database", """{"name":"production"}""")),
        "two-calls" => Calls(("run_tests", """{"service":"api"}"""), ("deploy_to_production", """{"service":"api","version":"1.4.2"}""")),
        "bad-arguments" => Calls(("run_tests", """{"service":"api; rm -rf /"}""")),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static string Calls(params (string Tool, string Arguments)[] calls) => Completion(new
    {
        role = "assistant",
        content = (string?)null,
        tool_calls = calls.Select((c, i) => new { id = $"call_{i}", type = "function", function = new { name = c.Tool, arguments = c.Arguments } }).ToArray(),
    }, "tool_calls");

    private static string Completion(object message, string finishReason) => JsonSerializer.Serialize(new
    {
        id = "chatcmpl-garbage",
        @object = "chat.completion",
        created = 1_700_000_000,
        model = "gpt-test",
        choices = new[] { new { index = 0, finish_reason = finishReason, message } },
        usage = new { prompt_tokens = 10, completion_tokens = 5, total_tokens = 15 },
    });
}
