using System.Text.Json;
using ChatAgent.Core.Agents;
using ChatAgent.Core.Events;
using ChatAgent.Core.Threads;
using ChatAgent.Core.Tools;
using Microsoft.Extensions.Logging;

namespace ChatAgent.Core.Runtime;

/// <summary>
/// Runs one validated tool call through its runner and its verification (the verifier is <see cref="ToolCheckRunner"/>):
/// the result, the error, or a failed verification becomes the step's events. A runner that throws is a failed call, not
/// a crashed step.
/// </summary>
internal sealed class StepExecutor(IAgentCatalog catalog, IReadOnlyDictionary<string, IToolRunner> runners, ToolCheckRunner verifier, ILogger log)
{
    /// <summary>A call found without an outcome: re-run when the tool is idempotent, else escalate to a human (outcome unknown).</summary>
    public async Task RecoverInFlightAsync(StepWriter step, ToolCallState inFlight, CancellationToken ct)
    {
        var tool = catalog.FindTool(inFlight.Tool);
        // In a dry run nothing runs: answering the call again (from the record, or "not run") is always safe.
        if (tool is { Idempotent: true } || (tool is not null && step.DryRun is not null && DryRunRecord.Guards(tool)))
        {
            log.LogWarning("Re-running idempotent tool {Tool} ({ToolCallId}) found without a result", inFlight.Tool, inFlight.ToolCallId);
            await step.AppendAsync(ct, (new ToolCalled(inFlight.ToolCallId, inFlight.Tool, inFlight.Parameters, inFlight.Kind, inFlight.ParametersHash, inFlight.Attempt + 1), Actor.System));
            await ExecuteAsync(step, tool, inFlight.ToolCallId, inFlight.Parameters, ct);
            return;
        }
        await step.EscalateAsync(PauseReasons.OutcomeUnknown,
            $"{inFlight.Tool} ({inFlight.ToolCallId}) started but its outcome was never recorded, and it is not safe to run twice. Check whether it took effect, then resume or abort.", ct);
    }

    /// <summary>Runs the tool, verifies its result when the tool says how (turn 4), and writes what happened.</summary>
    public async Task ExecuteAsync(StepWriter step, ToolDefinition tool, string toolCallId, JsonElement parameters, CancellationToken ct)
    {
        if (step.DryRun is { } record && DryRunRecord.Guards(tool))
        {
            await AnswerDryRunAsync(step, record, tool, toolCallId, parameters, ct);
            return;
        }
        var state = step.State;
        ToolOutcome outcome;
        if (!runners.TryGetValue(tool.Runner.Type, out var runner))
        {
            outcome = ToolOutcome.Failure($"No runner of type '{tool.Runner.Type}' is available.");
        }
        else
        {
            try
            {
                outcome = await runner.RunAsync(new ToolInvocation(state, tool, toolCallId, parameters), ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                outcome = ToolOutcome.Failure($"{tool.Name} threw {ex.GetType().Name}", ex.Message);
            }
        }

        if (!outcome.Succeeded)
        {
            log.LogWarning("Tool {Tool} failed: {Error}", tool.Name, outcome.Error);
            await step.AppendErrorAsync([.. StepEvents.ApprovalCardUpdate(state, toolCallId, "did not succeed")],
                new ErrorOccurred(outcome.Error ?? "The tool failed.", StepEvents.Compact(outcome.Detail), "tool", toolCallId, tool.Name), ct);
            return;
        }
        // Turn 4 (verify): a result counts only once its outcome is confirmed.
        var events = new List<(ThreadEvent, Actor)>();
        if (tool.Verify.Count > 0)
        {
            var checks = await verifier.RunAsync(ToolCheck.Verification, tool.Verify, state, tool, toolCallId, parameters, outcome.Result, ct);
            events.AddRange(checks.Events.Select(e => (e, Actor.System)));
            if (checks.Failure is { } failed)
            {
                log.LogWarning("Tool {Tool} ran but its verification failed: {Error}", tool.Name, failed.Message);
                events.AddRange(StepEvents.ApprovalCardUpdate(state, toolCallId, "ran, but its verification failed"));
                await step.AppendErrorAsync([.. events], new ErrorOccurred(
                    $"{tool.Name} ran but its verification failed ({failed.Check}): {failed.Message}", StepEvents.Compact($"result: {outcome.Result.GetRawText()}; {failed.Detail}"), "verification", toolCallId, tool.Name), ct);
                return;
            }
        }
        events.AddRange(
        [
            (new ToolReturned(toolCallId, tool.Name, outcome.Result), Actor.Agent),
            StepEvents.Status(state, $"{tool.Name} ✓"),
        ]);
        events.AddRange(StepEvents.ApprovalCardUpdate(state, toolCallId, tool.Verify.Count > 0 ? "ran and verified" : "ran"));
        if (tool.Name == BuiltinTools.PostMessage && parameters.TryGetProperty("text", out var text))
            events.Add((new MessageQueued("post:" + toolCallId, "notice", text.GetString() ?? ""), Actor.Agent));
        await step.AppendAsync(ct, [.. events]);
    }

    /// <summary>
    /// A dry run's answer to a call it does not run: the origin's recorded result of the identical call, verified as
    /// the original was (from the record; nothing runs), or "not run (dry run)", which has nothing to verify. No approval
    /// card is refreshed: a dry run has none.
    /// </summary>
    private async Task AnswerDryRunAsync(StepWriter step, DryRunRecord record, ToolDefinition tool, string toolCallId, JsonElement parameters, CancellationToken ct)
    {
        var state = step.State;
        if (record.Find(tool.Name, parameters) is not { } recorded)
        {
            log.LogInformation("Dry run: {Tool} ({ToolCallId}) not run, no recorded result", tool.Name, toolCallId);
            await step.AppendAsync(ct,
                (new ToolReturned(toolCallId, tool.Name, DryRunRecord.NotRunResult, DryRunMarks.NotRun), Actor.System),
                StepEvents.Status(state, $"{tool.Name}: {DryRunMarks.NotRunText}"));
            return;
        }
        var events = new List<(ThreadEvent, Actor)>();
        if (tool.Verify.Count > 0)
        {
            var checks = await verifier.RunAsync(ToolCheck.Verification, tool.Verify, state, tool, toolCallId, parameters, recorded.Result, ct, record);
            events.AddRange(checks.Events.Select(e => (e, Actor.System)));
            if (checks.Failure is { } failed)
            {
                await step.AppendErrorAsync([.. events], new ErrorOccurred(
                    $"{tool.Name} (its recorded result) failed verification ({failed.Check}): {failed.Message}", StepEvents.Compact(failed.Detail), "verification", toolCallId, tool.Name), ct);
                return;
            }
        }
        events.Add((new ToolReturned(toolCallId, tool.Name, recorded.Result, DryRunMarks.Recorded, recorded.Seq), Actor.System));
        events.Add(StepEvents.Status(state, $"{tool.Name} ✓ (recorded result)"));
        await step.AppendAsync(ct, [.. events]);
    }
}
