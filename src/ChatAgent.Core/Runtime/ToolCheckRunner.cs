using System.Text.Json;
using ChatAgent.Core.Agents;
using ChatAgent.Core.Events;
using ChatAgent.Core.Threads;
using ChatAgent.Core.Tools;

namespace ChatAgent.Core.Runtime;

/// <summary>
/// Runs a tool call's preconditions or verification (<see cref="ToolCheck"/>) and turns each outcome into a
/// <c>check_passed</c> / <c>check_failed</c> event. Stops at the first failure: later checks are not run.
/// </summary>
internal sealed class ToolCheckRunner(IAgentCatalog catalog, IReadOnlyDictionary<string, IToolRunner> runners)
{
    public sealed record Outcome(IReadOnlyList<ThreadEvent> Events, CheckFailed? Failure);

    public async Task<Outcome> RunAsync(string phase, IReadOnlyList<ToolCheck> checks, ThreadState state, ToolDefinition tool,
        string toolCallId, JsonElement parameters, JsonElement? result, CancellationToken ct, DryRunRecord? dryRun = null)
    {
        var events = new List<ThreadEvent>();
        var callHash = dryRun is null ? null : ToolCallHash.Compute(tool.Name, parameters);
        for (var i = 0; i < checks.Count; i++)
        {
            var check = checks[i];
            (bool Passed, string? Message, string? Detail, JsonElement? Result, string? Mark) outcome;
            if (dryRun is not null && NeedsTool(check) is { } checkTool && DryRunRecord.Guards(checkTool))
            {
                outcome = FromRecord(dryRun, callHash!, phase, check);
            }
            else
            {
                var (p, m, d, r) = await RunOneAsync(check, state, toolCallId, phase, i, parameters, result, ct);
                outcome = (p, m, d, r, null);
            }
            var (passed, message, detail, checkResult, mark) = outcome;
            if (passed)
            {
                events.Add(new CheckPassed(toolCallId, tool.Name, phase, check.Description, checkResult, mark));
                continue;
            }
            var failed = new CheckFailed(toolCallId, tool.Name, phase, check.Description, message!, StepEvents.Compact(detail), mark);
            events.Add(failed);
            return new Outcome(events, failed);
        }
        return new Outcome(events, null);
    }

    private ToolDefinition? NeedsTool(ToolCheck check) => check.Tool is null ? null : catalog.FindTool(check.Tool);

    /// <summary>
    /// A dry run runs no check tool: the origin's outcome of the same check of the identical call, or, without one, a
    /// pass marked "not run" (the dry run goes on as if it held; the audit shows it was never checked).
    /// </summary>
    private static (bool Passed, string? Message, string? Detail, JsonElement? Result, string? Mark) FromRecord(
        DryRunRecord record, string callHash, string phase, ToolCheck check) =>
        record.FindCheck(callHash, phase, check.Description) is { } recorded
            ? (recorded.Passed, recorded.Message, recorded.Detail, recorded.Result, DryRunMarks.Recorded)
            : (true, null, null, null, DryRunMarks.NotRun);

    private async Task<(bool Passed, string? Message, string? Detail, JsonElement? Result)> RunOneAsync(
        ToolCheck check, ThreadState state, string toolCallId, string phase, int index, JsonElement parameters, JsonElement? result, CancellationToken ct)
    {
        var scope = TemplateScope.From(state) with { CallParameters = parameters, CallResult = result };
        if (check.Tool is null)
        {
            var mismatch = Mismatch(check.Expect, result);
            return (mismatch is null, mismatch, result?.GetRawText(), null);
        }

        var tool = catalog.FindTool(check.Tool);
        if (tool is null || !runners.TryGetValue(tool.Runner.Type, out var runner))
            return (false, $"check tool '{check.Tool}' cannot run here", null, null);
        JsonElement checkParameters;
        try
        {
            checkParameters = TemplateRenderer.RenderParameters(check.Parameters, scope);
        }
        catch (TemplateException ex)
        {
            return (false, $"the check's parameters cannot be filled in: {ex.Message}", null, null);
        }
        ToolOutcome outcome;
        try
        {
            // The check's own id keeps its effects (logs, idempotency keys) apart from the checked call's.
            outcome = await runner.RunAsync(new ToolInvocation(state, tool, $"{toolCallId}.{phase}.{index + 1}", checkParameters), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            outcome = ToolOutcome.Failure($"{tool.Name} threw {ex.GetType().Name}", ex.Message);
        }
        if (!outcome.Succeeded) return (false, $"{tool.Name} failed: {outcome.Error}", outcome.Detail, null);
        var failure = Mismatch(check.Expect, outcome.Result);
        return (failure is null, failure, outcome.Result.GetRawText(), outcome.Result);
    }

    /// <summary>The first expected path whose value differs, described; null when all match.</summary>
    private static string? Mismatch(IReadOnlyDictionary<string, JsonElement> expect, JsonElement? actual)
    {
        foreach (var (path, expected) in expect)
        {
            var scope = new TemplateScope("", new Dictionary<string, string>(), []) { CallResult = actual };
            if (!scope.TryResolve("result." + path, out var value))
                return $"expected {path} = {expected.GetRawText()}, but the result has no {path}";
            if (!JsonElement.DeepEquals(Normalize(value), Normalize(expected)))
                return $"expected {path} = {expected.GetRawText()}, got {value.GetRawText()}";
        }
        return null;
    }

    /// <summary>Shell tools print strings; YAML values are typed: "true" and true, "42" and 42 compare equal.</summary>
    private static JsonElement Normalize(JsonElement value) =>
        value.ValueKind == JsonValueKind.String && value.GetString() is { } text
            && (text is "true" or "false" || double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _))
            ? JsonDocument.Parse(text).RootElement.Clone()
            : value;
}
