using System.Text.Json;
using ChatAgent.Core.Agents;
using ChatAgent.Core.Events;
using ChatAgent.Core.Threads;
using ChatAgent.Core.Tools;

namespace ChatAgent.Core.Runtime;

/// <summary>
/// A dry run asks nobody. A fork made at a seq where its origin waited for people (an approval or a question still
/// open) copied that wait; the dry run ends it by answering the waiting call itself, as it answers any call it does not
/// run (<see cref="StepExecutor"/>): the origin's recorded outcome of the identical call, or "not run (dry run)".
/// </summary>
internal static class DryRunWaits
{
    /// <summary>True when <paramref name="state"/> is a dry run waiting on people it will not ask.</summary>
    public static bool Has(ThreadState state) =>
        state.DryRun && state.Status == ThreadStatus.AwaitingHuman && (!state.PendingApprovals.IsEmpty || state.PendingQuestion is not null);

    /// <summary>Answers the first wait, when there is one; false when there was none.</summary>
    public static async Task<bool> AnswerAsync(StepWriter step, IAgentCatalog catalog, StepExecutor executor, CancellationToken ct)
    {
        var state = step.State;
        if (!Has(state)) return false;
        ToolCalled call;
        if (state.PendingApprovals.FirstOrDefault() is { } approval)
        {
            var kind = catalog.FindTool(approval.Tool)?.Kind ?? ToolKind.RequiresApproval;
            call = new ToolCalled(approval.ToolCallId, approval.Tool, approval.Parameters, kind, approval.ParametersHash);
        }
        else
        {
            var question = state.PendingQuestion!;
            var parameters = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["question"] = question.Question });
            call = new ToolCalled(question.ToolCallId, BuiltinTools.AskHuman, parameters, ToolKind.Human, ToolCallHash.Compute(BuiltinTools.AskHuman, parameters));
        }
        await step.AppendAsync(ct, (call, Actor.Agent));
        if (catalog.FindTool(call.Tool) is { } tool)
            await executor.ExecuteAsync(step, tool, call.ToolCallId, call.Parameters, ct);
        else
            await step.AppendErrorAsync([], new ErrorOccurred($"Tool '{call.Tool}' is no longer defined; the dry run did not answer it.", null, "system", call.ToolCallId, call.Tool), ct);
        return true;
    }
}
