using System.Net;
using ChatAgent.Core.Events;
using ChatAgent.Core.Planning;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Threads;
using Microsoft.Extensions.AI;

namespace ChatAgent.Core.Tests.Runtime;

/// <summary>
/// Factor 9 through a scripted model: every bad answer becomes an <c>error</c> event that the model sees in its
/// next context; three in a row pause and escalate; nothing invalid ever runs.
/// </summary>
public sealed class AgentLoopErrorTests : IDisposable
{
    private readonly ScriptedChatClient _model = new();
    private readonly CoreHarness _h;

    public AgentLoopErrorTests() => _h = new CoreHarness(planner: new ChatClientPlanner(_model, "openai:test"));

    public void Dispose() => _h.Dispose();

    public static TheoryData<string> BadAnswers => ["invalid_json", "unknown_tool", "schema_violation", "two_calls", "empty", "text_only", "http_500"];

    private static void Answer(ScriptedChatClient model, string kind)
    {
        switch (kind)
        {
            case "invalid_json":
                model.Then(new FunctionCallContent("c1", "run_tests", null) { Exception = new System.Text.Json.JsonException("'}' is invalid after a property name.") });
                break;
            case "unknown_tool":
                model.ThenCall("drop_database", new { name = "prod" });
                break;
            case "schema_violation":
                model.ThenCall("run_tests", new { service = "Api Gateway; rm -rf /" });
                break;
            case "two_calls":
                model.Then(new FunctionCallContent("c1", "run_tests", new Dictionary<string, object?> { ["service"] = "api" }),
                    new FunctionCallContent("c2", "deploy_to_staging", new Dictionary<string, object?> { ["service"] = "api", ["version"] = "1.4.2" }));
                break;
            case "empty":
                model.Then();
                break;
            case "text_only":
                model.Then(new TextContent("I would run the tests first."));
                break;
            case "http_500":
                model.ThenThrow(new HttpRequestException("Response status code does not indicate success: 500 (Internal Server Error).", null, HttpStatusCode.InternalServerError));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    private static readonly Dictionary<string, string> ExpectedError = new()
    {
        ["invalid_json"] = "The arguments for 'run_tests' are not valid JSON.",
        ["unknown_tool"] = "Unknown tool 'drop_database'. Available tools: run_tests, deploy_to_staging, deploy_to_production, post_message, ask_human, done.",
        ["schema_violation"] = "Parameters for 'run_tests' do not match its schema.",
        ["two_calls"] = "The model proposed 2 tool calls at once (run_tests, deploy_to_staging); exactly one is allowed per step.",
        ["empty"] = "The model gave an empty answer; answer with exactly one tool call.",
        ["text_only"] = "The model answered in text instead of a tool call; answer with exactly one tool call.",
        ["http_500"] = "The model call failed (HttpRequestException).",
    };

    [Theory]
    [MemberData(nameof(BadAnswers))]
    public async Task BadAnswer_IsFedBackAsAnError_AndTheThirdInARowPausesAndEscalates(string kind)
    {
        _model.Repeat(3, m => Answer(m, kind));
        var id = await _h.LaunchAsync("deploy", "api");

        var state = await _h.Loop.RunAsync(id);

        var events = await _h.EventsAsync(id);
        var errors = events.Select(e => e.Data).OfType<ErrorOccurred>().ToList();
        Assert.Equal(3, errors.Count);
        Assert.All(errors, e => Assert.Equal(ExpectedError[kind], e.Message));
        // Fed back: the model's 2nd and 3rd contexts show the error before them.
        Assert.Equal(3, _model.Calls.Count);
        Assert.Contains(ContextText.Escape(ExpectedError[kind]), _model.ContextOf(1));
        Assert.Contains("consecutive_errors=\"2\"", _model.ContextOf(2));
        // Paused and escalated to a person, with a "stuck" card queued.
        Assert.Equal(ThreadStatus.Paused, state.Status);
        Assert.True(state.Escalated);
        Assert.Equal(PauseReasons.ConsecutiveErrors, state.PausedReason);
        var paused = Assert.Single(events.Select(e => e.Data).OfType<ThreadPaused>());
        Assert.True(paused.Escalated);
        Assert.Equal("stuck", state.Messages[MessageKeys.Stuck].Kind);
        Assert.Contains(id, _h.Scheduler.Deliveries);
        // Nothing invalid ran.
        Assert.DoesNotContain(events, e => e.Data is ToolCalled);
        Assert.Empty(_h.ReleaseLines());
        Assert.All(events.Select(e => e.Data).OfType<ModelDecision>(), d => Assert.False(string.IsNullOrEmpty(d.RawOutput)));
    }

    [Fact]
    public async Task ModelCallFailure_KeepsTheErrorDetail_InTheEventAndTheNextContext()
    {
        Answer(_model, "http_500");
        _model.ThenCall("done", new { summary = "gave up" });
        var id = await _h.LaunchAsync("deploy", "api");

        await _h.Loop.RunAsync(id);

        var error = Assert.Single((await _h.EventsAsync(id)).Select(e => e.Data).OfType<ErrorOccurred>());
        Assert.Equal("planner", error.Source);
        Assert.Contains("500 (Internal Server Error)", error.Detail);
        Assert.Contains("500 (Internal Server Error)", _model.ContextOf(1));
    }

    [Fact]
    public async Task SchemaViolation_NamesWhatIsWrong_ForTheModel()
    {
        Answer(_model, "schema_violation");
        _model.ThenCall("done", new { summary = "stopped" });
        var id = await _h.LaunchAsync("deploy", "api");

        await _h.Loop.RunAsync(id);

        var error = Assert.Single((await _h.EventsAsync(id)).Select(e => e.Data).OfType<ErrorOccurred>());
        Assert.Equal("validation", error.Source);
        Assert.Contains("service", error.Detail);
        Assert.Contains("<detail>", _model.ContextOf(1));
    }

    [Fact]
    public async Task ValidCall_AfterTwoErrors_ResetsTheCount()
    {
        Answer(_model, "unknown_tool");
        Answer(_model, "empty");
        _model.ThenCall("run_tests", new { service = "api" });
        Answer(_model, "two_calls");
        Answer(_model, "text_only");
        _model.ThenCall("done", new { summary = "Tested api." });
        var id = await _h.LaunchAsync("deploy", "api");

        var state = await _h.Loop.RunAsync(id);

        Assert.Equal(ThreadStatus.Completed, state.Status);
        Assert.Equal("Tested api.", state.Summary);
        Assert.Equal(4, state.TotalErrors);
        var events = await _h.EventsAsync(id);
        Assert.DoesNotContain(events, e => e.Data is ThreadPaused);
        Assert.Single(_h.ReleaseLines());
        Assert.Equal(["run_tests", "done"], events.Select(e => e.Data).OfType<ToolCalled>().Select(c => c.Tool));
    }
}
