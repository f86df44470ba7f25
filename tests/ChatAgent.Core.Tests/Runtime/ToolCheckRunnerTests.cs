using System.Text.Json;
using ChatAgent.Core.Agents;
using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Threads;
using ChatAgent.Core.Tools;

namespace ChatAgent.Core.Tests.Runtime;

/// <summary>One check at a time: what passes, what fails and the sentence a failure is told with.</summary>
public sealed class ToolCheckRunnerTests
{
    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    private static readonly ToolDefinition Deploy = new("deploy", "Deploys.", ToolKind.Immediate, "{}", new RunnerSpec("scripted", "deploy", TimeSpan.FromSeconds(5)));

    /// <summary>A runner that answers each check tool with a scripted outcome and records what it was asked.</summary>
    private sealed class ScriptedRunner(Func<ToolInvocation, ToolOutcome> answer) : IToolRunner
    {
        public List<ToolInvocation> Calls { get; } = [];
        public string Type => "scripted";

        public Task<ToolOutcome> RunAsync(ToolInvocation invocation, CancellationToken cancellationToken)
        {
            Calls.Add(invocation);
            return Task.FromResult(answer(invocation));
        }
    }

    private static (ToolCheckRunner Checks, ScriptedRunner Runner) Create(Func<ToolInvocation, ToolOutcome> answer)
    {
        var health = new ToolDefinition("health_check", "Checks.", ToolKind.Immediate, "{}", new RunnerSpec("scripted", "health", TimeSpan.FromSeconds(5)));
        var shell = new ToolDefinition("shell_only", "Needs a shell runner.", ToolKind.Immediate, "{}", new RunnerSpec(RunnerSpec.Shell, "scripts/x.sh", TimeSpan.FromSeconds(5)));
        var catalog = new AgentCatalog([], new Dictionary<string, ToolDefinition> { [health.Name] = health, [shell.Name] = shell, [Deploy.Name] = Deploy });
        var runner = new ScriptedRunner(answer);
        return (new ToolCheckRunner(catalog, new Dictionary<string, IToolRunner> { ["scripted"] = runner }), runner);
    }

    private static ToolCheck Check(string description, string? tool, string parameters = "{}", string expect = "{}") =>
        new(description, tool, Json(parameters), Json(expect).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone()));

    private static Task<ToolCheckRunner.Outcome> RunAsync(ToolCheckRunner checks, string phase, JsonElement? result, params ToolCheck[] list) =>
        checks.RunAsync(phase, list, ThreadState.Empty with { Id = "th_1", Agent = "deploy" }, Deploy, "tc_1", Json("""{"service":"api","version":"1.4.2"}"""), result, CancellationToken.None);

    [Fact]
    public async Task ACheckTool_IsCalledWithItsFilledInParameters_UnderItsOwnId_AndPassesWhenEveryExpectationHolds()
    {
        var (checks, runner) = Create(_ => ToolOutcome.Success(Json("""{"healthy":"true","version":"1.4.2","replicas":"3"}""")));

        var outcome = await RunAsync(checks, ToolCheck.Precondition, null,
            Check("staging is fine", "health_check", """{"service":"{{params.service}}","env":"staging"}""", """{"healthy":true,"replicas":3,"version":"1.4.2"}"""),
            Check("still fine", "health_check", "{}", """{"healthy":true}"""));

        Assert.Null(outcome.Failure);
        Assert.Equal(["staging is fine", "still fine"], outcome.Events.OfType<CheckPassed>().Select(c => c.Check));
        Assert.All(outcome.Events.OfType<CheckPassed>(), c => Assert.Equal(("tc_1", "deploy", ToolCheck.Precondition), (c.ToolCallId, c.Tool, c.Phase)));
        Assert.Equal(["tc_1.precondition.1", "tc_1.precondition.2"], runner.Calls.Select(c => c.ToolCallId));
        Assert.Equal("""{"service":"api","env":"staging"}""", runner.Calls[0].Parameters.GetRawText());
        Assert.Equal("""{"healthy":"true","version":"1.4.2","replicas":"3"}""", outcome.Events.OfType<CheckPassed>().First().Result!.Value.GetRawText());
    }

    [Fact]
    public async Task TheFirstFailure_StopsTheChecks_AndSaysWhatWasExpected()
    {
        var (checks, runner) = Create(_ => ToolOutcome.Success(Json("""{"healthy":false,"detail":"503"}""")));

        var outcome = await RunAsync(checks, ToolCheck.Verification, null,
            Check("healthy", "health_check", "{}", """{"healthy":true}"""),
            Check("never run", "health_check"));

        var failed = Assert.IsType<CheckFailed>(Assert.Single(outcome.Events));
        Assert.Same(failed, outcome.Failure);
        Assert.Equal(("healthy", "expected healthy = true, got false", """{"healthy":false,"detail":"503"}"""), (failed.Check, failed.Message, failed.Detail));
        Assert.Single(runner.Calls);
    }

    [Fact]
    public async Task AMissingPath_IsNamed()
    {
        var (checks, _) = Create(_ => ToolOutcome.Success(Json("""{"status":"up"}""")));

        var outcome = await RunAsync(checks, ToolCheck.Verification, null, Check("healthy", "health_check", "{}", """{"healthy":true}"""));

        Assert.Equal("expected healthy = true, but the result has no healthy", outcome.Failure!.Message);
    }

    [Fact]
    public async Task AFailingCheckTool_FailsTheCheck_WithItsErrorAndDetail()
    {
        var (checks, _) = Create(_ => ToolOutcome.Failure("exited with code 2", new string('x', 600)));

        var outcome = await RunAsync(checks, ToolCheck.Precondition, null, Check("healthy", "health_check"));

        Assert.Equal("health_check failed: exited with code 2", outcome.Failure!.Message);
        Assert.Equal(new string('x', 500) + "… (100 more characters)", outcome.Failure.Detail);
    }

    [Fact]
    public async Task ACheckToolThatThrows_FailsTheCheck_NotTheRun()
    {
        var (checks, _) = Create(_ => throw new InvalidOperationException("boom"));

        var outcome = await RunAsync(checks, ToolCheck.Precondition, null, Check("healthy", "health_check"));

        Assert.Equal(("health_check failed: health_check threw InvalidOperationException", "boom"), (outcome.Failure!.Message, outcome.Failure.Detail));
    }

    [Theory]
    [InlineData("no_such_tool")]
    [InlineData("shell_only")]
    public async Task ACheckToolThatCannotRunHere_FailsTheCheck(string tool)
    {
        var (checks, runner) = Create(_ => ToolOutcome.Success(Json("{}")));

        var outcome = await RunAsync(checks, ToolCheck.Precondition, null, Check("healthy", tool));

        Assert.Equal($"check tool '{tool}' cannot run here", outcome.Failure!.Message);
        Assert.Null(outcome.Failure.Detail);
        Assert.Empty(runner.Calls);
    }

    [Fact]
    public async Task ParametersThatCannotBeFilledIn_FailTheCheck_WithoutCallingTheTool()
    {
        var (checks, runner) = Create(_ => ToolOutcome.Success(Json("{}")));

        var outcome = await RunAsync(checks, ToolCheck.Precondition, null, Check("healthy", "health_check", """{"x":"{{params.missing}}"}"""));

        Assert.StartsWith("the check's parameters cannot be filled in: ", outcome.Failure!.Message);
        Assert.Empty(runner.Calls);
    }

    [Fact]
    public async Task AnAssertionOnTheCallsOwnResult_ComparesTypedValuesWithPrintedOnes()
    {
        var (checks, runner) = Create(_ => ToolOutcome.Success(Json("{}")));

        var passed = await RunAsync(checks, ToolCheck.Verification, Json("""{"deployed":"true","count":"2.0","name":"api"}"""),
            Check("deployed", null, "{}", """{"deployed":true,"count":2,"name":"api"}"""));
        var failed = await RunAsync(checks, ToolCheck.Verification, Json("""{"deployed":"false"}"""), Check("deployed", null, "{}", """{"deployed":true}"""));
        var textIsNotANumber = await RunAsync(checks, ToolCheck.Verification, Json("""{"name":"7a"}"""), Check("name", null, "{}", """{"name":7}"""));

        Assert.Null(passed.Failure);
        Assert.Null(Assert.IsType<CheckPassed>(Assert.Single(passed.Events)).Result);
        Assert.Equal(("expected deployed = true, got \"false\"", """{"deployed":"false"}"""), (failed.Failure!.Message, failed.Failure.Detail));
        Assert.Equal("expected name = 7, got \"7a\"", textIsNotANumber.Failure!.Message);
        Assert.Empty(runner.Calls);
    }
}
