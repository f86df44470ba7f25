using System.Text.Json;
using ChatAgent.Core.Agents;
using ChatAgent.Core.Chat;
using ChatAgent.Core.Events;
using ChatAgent.Core.Observability;
using ChatAgent.Core.Planning;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Threads;
using ChatAgent.Core.Tools;
using Microsoft.Extensions.Logging;

namespace ChatAgent.Core.Runtime;

/// <summary>
/// The 12-factor loop (factor 8): one <see cref="StepAsync"/> loads the events, reduces them, asks the planner
/// for one tool call, validates it, and branches explicitly on the tool's kind. Each step's events are appended
/// (at the version read) before the next step starts, so a crash loses at most the step in flight, and a
/// tool call found without a result on load is re-run only when the tool is idempotent. The parts: the durable writer
/// (<see cref="StepWriter"/>), the approval gate (<see cref="ApprovalGate"/>), the executor with its verifier
/// (<see cref="StepExecutor"/>, <see cref="ToolCheckRunner"/>); this class decides, validates and dispatches.
/// </summary>
public sealed class AgentLoop(
    IEventStore store,
    IAgentCatalog catalog,
    IPlanner planner,
    ToolValidator validator,
    IEnumerable<IToolRunner> runners,
    IThreadScheduler scheduler,
    TimeProvider time,
    IIdGenerator ids,
    ILogger<AgentLoop> log,
    WorkflowLoop? workflows = null,
    IWorkingIndicator? working = null,
    ThreadCache? cache = null,
    Grants.IGrantIndex? grants = null,
    Approvals.ApproverDirectory? approvers = null,
    Chat.DeliveryTargets? deliveries = null)
{
    /// <summary>The third consecutive error pauses the thread and escalates to a human (factor 9).</summary>
    public const int ErrorThreshold = 3;

    private readonly Dictionary<string, IToolRunner> _runners = runners.ToDictionary(r => r.Type, StringComparer.OrdinalIgnoreCase);
    private readonly ApprovalGate _gate = new(catalog, ids, time, scheduler, grants, approvers);
    private readonly ThreadCache _cache = cache ?? new ThreadCache(store);
    private readonly Chat.DeliveryTargets _deliveries = deliveries ?? Chat.DeliveryTargets.All;
    private ToolCheckRunner? _checks;
    private StepExecutor? _executor;

    private ToolCheckRunner Checks => _checks ??= new(catalog, _runners);

    private StepExecutor Executor => _executor ??= new StepExecutor(catalog, _runners, Checks, log);

    /// <summary>Runs steps until the thread waits, pauses or ends. Returns the final state.</summary>
    /// <remarks>
    /// Outbox deliveries are scheduled when the run stops and, during long runs, at most every
    /// <see cref="DeliveryInterval"/>: scheduling a job per step would cost more than the step.
    /// </remarks>
    public async Task<ThreadState> RunAsync(string threadId, CancellationToken ct = default)
    {
        try
        {
            return await RunStepsAsync(threadId, ct);
        }
        finally
        {
            // Between runs the thread waits for people, a child or a retry: the next run reads it afresh.
            _cache.Forget(threadId);
        }
    }

    private async Task<ThreadState> RunStepsAsync(string threadId, CancellationToken ct)
    {
        var lastScheduled = time.GetUtcNow();
        var pending = false;
        ThreadSnapshot? known = null;
        while (true)
        {
            var outcome = await StepAsync(threadId, known, ct);
            known = outcome.After;
            pending |= outcome.QueuedMessages;
            if (!outcome.Continue)
            {
                // Usually the step's last append carried these (StepWriter.EndOfRunWakeups); a run stopped otherwise
                // (found the thread waiting, lost a race) asks for them here.
                if (outcome.Woke) return outcome.State;
                if (pending && _deliveries.Due(outcome.State)) await scheduler.ScheduleDeliveryAsync(threadId, ct);
                // A workflow's child that waits, pauses or ends wakes its workflow (factor 10).
                if (outcome.State.ParentThreadId is { } parent && outcome.State.Status != ThreadStatus.Running)
                    await scheduler.ScheduleRunAsync(parent, ct);
                return outcome.State;
            }
            if (pending && time.GetUtcNow() - lastScheduled >= DeliveryInterval)
            {
                if (_deliveries.Due(outcome.State)) await scheduler.ScheduleDeliveryAsync(threadId, ct);
                lastScheduled = time.GetUtcNow();
                pending = false;
            }
        }
    }

    /// <summary>How often a long run flushes its progress messages to chat.</summary>
    public static readonly TimeSpan DeliveryInterval = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Runs one step. <see cref="StepOutcome.Continue"/> is false when the thread waits, pauses or ends. The thread is
    /// read through the <see cref="ThreadCache"/>: a step reads and folds only the events since the last one.
    /// </summary>
    public Task<StepOutcome> StepAsync(string threadId, CancellationToken ct = default) => StepAsync(threadId, null, ct);

    /// <param name="known">
    /// The thread as this run's previous step left it, from the events that step committed (<see cref="StepOutcome.After"/>),
    /// or null to read what is new. A run holds the thread's lock, so what others append meanwhile (a receipt, a pause)
    /// can only make this step's append meet another version, before any effect: receipts are folded in there and the
    /// append retried; anything else ends this loop, and the run's job, reading the thread still running, runs it again
    /// from what it reads (<c>RunThreadJob</c>), or it waits, paused or ended, as a read before the step would have found.
    /// </param>
    private async Task<StepOutcome> StepAsync(string threadId, ThreadSnapshot? known, CancellationToken ct)
    {
        var snapshot = known ?? await _cache.LoadAsync(threadId, ct);
        if (snapshot.Seq == 0) throw new InvalidOperationException($"Thread {threadId} does not exist");
        var state = snapshot.State;
        if (workflows is not null && catalog.FindAgent(state.Agent)?.Workflow is { } workflow)
        {
            // A workflow "waits" while a child waits, yet must still see its children move on.
            if (state.Status is not (ThreadStatus.Running or ThreadStatus.AwaitingHuman)) return new StepOutcome(state, false);
            var ran = await workflows.RunAsync(workflow, threadId, ct);
            return ran with { QueuedMessages = false };
        }
        if (state.Status != ThreadStatus.Running && !DryRunWaits.Has(state)) return new StepOutcome(state, false);

        using var activity = StepTelemetry.Start(state);
        using var scope = log.BeginScope(new Dictionary<string, object> { ["ThreadId"] = threadId, ["Agent"] = state.Agent, ["Step"] = state.Step });
        var step = new StepWriter(store, time, state, catalog.FindAgent(state.Agent)?.Messages ?? AgentMessages.All, _deliveries)
        {
            DryRun = state is { DryRun: true, ForkedFrom: { } origin } ? await DryRunRecord.LoadAsync(store, origin.ThreadId, ct) : null,
        };
        try
        {
            // "Is typing…" while the model thinks or a tool runs; stopped before the step's messages go out.
            await using var _ = working?.Begin(state);
            await StepCoreAsync(step, snapshot, ct);
        }
        catch (ConcurrencyException)
        {
            // Another runner moved the thread on; it owns the next step.
            log.LogInformation("Thread {ThreadId} changed under this step; stopping this run", threadId);
            StepTelemetry.Finish(activity, state, null);
            return new StepOutcome((await _cache.LoadAsync(threadId, ct)).State, false, step.QueuedMessages);
        }
        StepTelemetry.Finish(activity, state, step.State);
        return new StepOutcome(step.State, step.State.Status == ThreadStatus.Running, step.QueuedMessages, step.Woke) { After = Kept(snapshot, step) };
    }

    /// <summary>
    /// The thread after <paramref name="step"/>, folded from what it committed as stored (so the model's history holds the
    /// same bytes a read would give) and kept in the cache; null when it committed nothing, and the next step reads.
    /// </summary>
    private ThreadSnapshot? Kept(ThreadSnapshot before, StepWriter step)
    {
        if (step.Landed.Count == 0 || step.Landed[0].Seq != before.Seq + 1) return null;
        var after = before.With(step.Landed);
        _cache.Keep(after);
        return after;
    }

    private async Task StepCoreAsync(StepWriter step, ThreadSnapshot snapshot, CancellationToken ct)
    {
        var state = step.State;
        var agent = catalog.FindAgent(state.Agent);
        if (agent is null)
        {
            await step.AppendAsync(ct, (new ThreadFailed("agent_missing", $"Agent '{state.Agent}' is no longer defined."), Actor.System), StepEvents.Final(state, $"Failed: agent '{state.Agent}' is no longer defined."));
            return;
        }

        if (state.LastToolCall is { HasResult: false } inFlight)
        {
            await Executor.RecoverInFlightAsync(step, inFlight, ct);
            return;
        }
        if (state.ReadyToRun is { } approved)
        {
            await _gate.RunApprovedAsync(step, approved, Executor, Checks, ct);
            return;
        }
        if (await DryRunWaits.AnswerAsync(step, catalog, Executor, ct)) return;
        if (state.BudgetExhausted)
        {
            await step.EscalateAsync(PauseReasons.StepBudget, $"The agent used all {state.MaxSteps} steps without finishing.", ct);
            return;
        }
        await DecideAndRunAsync(step, agent, snapshot, ct);
    }

    private async Task DecideAndRunAsync(StepWriter step, AgentDefinition agent, ThreadSnapshot snapshot, CancellationToken ct)
    {
        var state = step.State;
        var tools = agent.Tools.Select(catalog.FindTool).OfType<ToolDefinition>().ToList();
        var chosen = OfflinePlanner.For(state, planner);
        PlannerDecision decision;
        try
        {
            decision = await chosen.DecideAsync(new PlanningContext(agent, state, snapshot.Events, tools, snapshot.History), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            decision = PlannerDecision.Invalid(ex.Message, "The planner failed: " + ex.GetType().Name, ex.Message);
        }

        var toolCallId = ids.NewId("tc");
        var decided = new ModelDecision(toolCallId, chosen.Name, agent.Prompt.Hash, decision.RawOutput, decision.Error is null ? decision.Tool : null, decision.Reason);
        var (tool, parameters, error) = Validate(agent, decision);
        if (error is not null)
        {
            await step.AppendErrorAsync([(decided, Actor.Agent)], new ErrorOccurred(error.Value.Message, StepEvents.Compact(error.Value.Detail), error.Value.Source, toolCallId, decision.Tool), ct);
            return;
        }

        var hash = ToolCallHash.Compute(tool!.Name, parameters);
        log.LogInformation("Calling {Tool} ({Kind}) as {ToolCallId}", tool.Name, tool.Kind, toolCallId);
        // Turn 1 (understand): preconditions run before the call and before any approval is asked.
        var prefix = new List<(ThreadEvent, Actor)> { (decided, Actor.Agent) };
        if (tool.Preconditions.Count > 0)
        {
            var checks = await Checks.RunAsync(ToolCheck.Precondition, tool.Preconditions, state, tool, toolCallId, parameters, null, ct, step.DryRun);
            prefix.AddRange(checks.Events.Select(e => (e, Actor.System)));
            if (checks.Failure is { } failed)
            {
                await step.AppendErrorAsync([.. prefix], new ErrorOccurred(
                    $"Precondition of {tool.Name} failed ({failed.Check}): {failed.Message}. It was not run.", failed.Detail, "precondition", toolCallId, tool.Name), ct);
                return;
            }
        }
        switch (tool.Kind)
        {
            case ToolKind.Immediate:
            // A dry run asks nobody: a risky call or a question is answered as the dry run answers any call it does not run.
            case ToolKind.RequiresApproval or ToolKind.Human when step.DryRun is not null:
                (ThreadEvent, Actor)[] called = [.. prefix, (new ToolCalled(toolCallId, tool.Name, parameters, tool.Kind, hash), Actor.Agent)];
                // The call is committed before an effect outside the process; one that stays inside commits with its result.
                if (StaysInProcess(tool)) step.Stage(called);
                else await step.AppendAsync(ct, called);
                await Executor.ExecuteAsync(step, tool, toolCallId, parameters, ct);
                break;
            case ToolKind.RequiresApproval:
                await _gate.RequestAsync(step, prefix, tool, toolCallId, parameters, hash, decision.Reason, ct);
                break;
            case ToolKind.Human:
                var question = parameters.TryGetProperty("question", out var q) ? q.GetString() ?? "" : parameters.GetRawText();
                var requestId = ids.NewId("q");
                await step.AppendAsync(ct,
                    (decided, Actor.Agent),
                    (new HumanContacted(requestId, toolCallId, question, state.RequestedBy), Actor.Agent),
                    (new MessageQueued(MessageKeys.Question(requestId), "question", question, RequestId: requestId), Actor.System),
                    StepEvents.Status(state, $"waiting for an answer: {question}"));
                break;
            case ToolKind.Terminal:
                var summary = parameters.TryGetProperty("summary", out var s) ? s.GetString() ?? "Done." : "Done.";
                await step.AppendAsync(ct,
                    (decided, Actor.Agent),
                    (new ToolCalled(toolCallId, tool.Name, parameters, tool.Kind, hash), Actor.Agent),
                    (new ThreadCompleted(summary, parameters), Actor.Agent),
                    StepEvents.Status(state, "completed"),
                    StepEvents.Final(state, summary));
                break;
            default:
                throw new InvalidOperationException($"Unhandled tool kind {tool.Kind}");
        }
    }

    /// <summary>
    /// A built-in without verification: its whole effect is the events it returns (post_message's message goes out
    /// through the outbox, from those events), so nothing happens before its result is committed and a crash in between
    /// leaves nothing to recover.
    /// </summary>
    private static bool StaysInProcess(ToolDefinition tool) => tool.Runner.Type == RunnerSpec.Builtin && tool.Verify.Count == 0;

    private (ToolDefinition? Tool, JsonElement Parameters, (string Message, string? Detail, string Source)? Error) Validate(AgentDefinition agent, PlannerDecision decision)
    {
        if (decision.Error is not null) return (null, default, (decision.Error, decision.ErrorDetail, "planner"));
        if (string.IsNullOrWhiteSpace(decision.Tool)) return (null, default, ("The planner chose no tool.", null, "planner"));
        var tool = catalog.FindTool(decision.Tool);
        if (tool is null || !agent.Tools.Contains(decision.Tool, StringComparer.Ordinal))
            return (null, default, ($"Unknown tool '{decision.Tool}'. Available tools: {string.Join(", ", agent.Tools)}.", null, "validation"));
        var parameters = decision.Parameters ?? JsonSerializer.SerializeToElement(new { });
        var problems = validator.Validate(tool, parameters);
        if (problems.Count > 0)
            return (tool, parameters, ($"Parameters for '{tool.Name}' do not match its schema.", string.Join("; ", problems), "validation"));
        return (tool, parameters, null);
    }
}
