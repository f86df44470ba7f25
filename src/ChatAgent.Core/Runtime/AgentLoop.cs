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
/// tool call found without a result on load is re-run only when the tool is idempotent.
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
    IWorkingIndicator? working = null)
{
    /// <summary>The third consecutive error pauses the thread and escalates to a human (factor 9).</summary>
    public const int ErrorThreshold = 3;

    private readonly Dictionary<string, IToolRunner> _runners = runners.ToDictionary(r => r.Type, StringComparer.OrdinalIgnoreCase);
    private ToolCheckRunner Checks => new(catalog, _runners);

    /// <summary>Runs steps until the thread waits, pauses or ends. Returns the final state.</summary>
    /// <remarks>
    /// Outbox deliveries are scheduled when the run stops and, during long runs, at most every
    /// <see cref="DeliveryInterval"/>: scheduling a job per step would cost more than the step.
    /// </remarks>
    public async Task<ThreadState> RunAsync(string threadId, CancellationToken ct = default)
    {
        var lastScheduled = time.GetUtcNow();
        var pending = false;
        while (true)
        {
            var outcome = await StepAsync(threadId, ct);
            pending |= outcome.QueuedMessages;
            if (!outcome.Continue)
            {
                if (pending) await scheduler.ScheduleDeliveryAsync(threadId, ct);
                // A workflow's child that waits, pauses or ends wakes its workflow (factor 10).
                if (outcome.State.ParentThreadId is { } parent && outcome.State.Status != ThreadStatus.Running)
                    await scheduler.ScheduleRunAsync(parent, ct);
                return outcome.State;
            }
            if (pending && time.GetUtcNow() - lastScheduled >= DeliveryInterval)
            {
                await scheduler.ScheduleDeliveryAsync(threadId, ct);
                lastScheduled = time.GetUtcNow();
                pending = false;
            }
        }
    }

    /// <summary>How often a long run flushes its progress messages to chat.</summary>
    public static readonly TimeSpan DeliveryInterval = TimeSpan.FromSeconds(2);

    /// <summary>Runs one step. <see cref="StepOutcome.Continue"/> is false when the thread waits, pauses or ends.</summary>
    public async Task<StepOutcome> StepAsync(string threadId, CancellationToken ct = default)
    {
        var events = await store.ReadAsync(threadId, 0, ct);
        if (events.Count == 0) throw new InvalidOperationException($"Thread {threadId} does not exist");
        var state = ThreadReducer.Replay(events);
        if (workflows is not null && catalog.FindAgent(state.Agent)?.Workflow is { } workflow)
        {
            // A workflow "waits" while a child waits, yet must still see its children move on.
            if (state.Status is not (ThreadStatus.Running or ThreadStatus.AwaitingHuman)) return new StepOutcome(state, false);
            var ran = await workflows.RunAsync(workflow, threadId, ct);
            return ran with { QueuedMessages = false };
        }
        if (state.Status != ThreadStatus.Running) return new StepOutcome(state, false);

        using var activity = StepTelemetry.Start(state);
        using var scope = log.BeginScope(new Dictionary<string, object> { ["ThreadId"] = threadId, ["Agent"] = state.Agent, ["Step"] = state.Step });
        var step = new StepWriter(store, time, state, catalog.FindAgent(state.Agent)?.Messages ?? AgentMessages.All);
        try
        {
            // "Is typing…" while the model thinks or a tool runs; stopped before the step's messages go out.
            await using var _ = working?.Begin(state);
            await StepCoreAsync(step, events, ct);
        }
        catch (ConcurrencyException)
        {
            // Another runner moved the thread on; it owns the next step.
            log.LogInformation("Thread {ThreadId} changed under this step; stopping this run", threadId);
            StepTelemetry.Finish(activity, state, null);
            return new StepOutcome(await ReloadAsync(threadId, ct), false, step.QueuedMessages);
        }
        StepTelemetry.Finish(activity, state, step.State);
        return new StepOutcome(step.State, step.State.Status == ThreadStatus.Running, step.QueuedMessages);
    }

    private async Task StepCoreAsync(StepWriter step, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        var state = step.State;
        var agent = catalog.FindAgent(state.Agent);
        if (agent is null)
        {
            await step.AppendAsync(ct, (new ThreadFailed("agent_missing", $"Agent '{state.Agent}' is no longer defined."), Actor.System), Final(state, $"Failed: agent '{state.Agent}' is no longer defined."));
            return;
        }

        if (state.LastToolCall is { HasResult: false } inFlight)
        {
            await RecoverInFlightAsync(step, inFlight, ct);
            return;
        }
        if (state.ReadyToRun is { } approved)
        {
            await RunApprovedAsync(step, approved, ct);
            return;
        }
        if (state.BudgetExhausted)
        {
            await EscalateAsync(step, PauseReasons.StepBudget, $"The agent used all {state.MaxSteps} steps without finishing.", ct);
            return;
        }
        await DecideAndRunAsync(step, agent, events, ct);
    }

    private async Task DecideAndRunAsync(StepWriter step, AgentDefinition agent, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        var state = step.State;
        var tools = agent.Tools.Select(catalog.FindTool).OfType<ToolDefinition>().ToList();
        PlannerDecision decision;
        try
        {
            decision = await planner.DecideAsync(new PlanningContext(agent, state, events, tools), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            decision = PlannerDecision.Invalid(ex.Message, "The planner failed: " + ex.GetType().Name, ex.Message);
        }

        var toolCallId = ids.NewId("tc");
        var decided = new ModelDecision(toolCallId, planner.Name, agent.Prompt.Hash, decision.RawOutput, decision.Error is null ? decision.Tool : null, decision.Reason);
        var (tool, parameters, error) = Validate(agent, decision);
        if (error is not null)
        {
            await AppendErrorAsync(step, ct, [(decided, Actor.Agent)], new ErrorOccurred(error.Value.Message, Compact(error.Value.Detail), error.Value.Source, toolCallId, decision.Tool));
            return;
        }

        var hash = ToolCallHash.Compute(tool!.Name, parameters);
        log.LogInformation("Calling {Tool} ({Kind}) as {ToolCallId}", tool.Name, tool.Kind, toolCallId);
        // Turn 1 (understand): preconditions run before the call and before any approval is asked.
        var prefix = new List<(ThreadEvent, Actor)> { (decided, Actor.Agent) };
        if (tool.Preconditions.Count > 0)
        {
            var checks = await Checks.RunAsync(ToolCheck.Precondition, tool.Preconditions, state, tool, toolCallId, parameters, null, ct);
            prefix.AddRange(checks.Events.Select(e => (e, Actor.System)));
            if (checks.Failure is { } failed)
            {
                await AppendErrorAsync(step, ct, [.. prefix], new ErrorOccurred(
                    $"Precondition of {tool.Name} failed ({failed.Check}): {failed.Message}. It was not run.", failed.Detail, "precondition", toolCallId, tool.Name));
                return;
            }
        }
        switch (tool.Kind)
        {
            case ToolKind.Immediate:
                await step.AppendAsync(ct, [.. prefix, (new ToolCalled(toolCallId, tool.Name, parameters, tool.Kind, hash), Actor.Agent)]);
                await ExecuteAsync(step, tool, toolCallId, parameters, ct);
                break;
            case ToolKind.RequiresApproval:
                await RequestApprovalAsync(step, prefix, tool, toolCallId, parameters, hash, decision.Reason, ct);
                break;
            case ToolKind.Human:
                var question = parameters.TryGetProperty("question", out var q) ? q.GetString() ?? "" : parameters.GetRawText();
                var requestId = ids.NewId("q");
                await step.AppendAsync(ct,
                    (decided, Actor.Agent),
                    (new HumanContacted(requestId, toolCallId, question, state.RequestedBy), Actor.Agent),
                    (new MessageQueued(MessageKeys.Question(requestId), "question", question, RequestId: requestId), Actor.System),
                    Status(state, $"waiting for an answer: {question}"));
                break;
            case ToolKind.Terminal:
                var summary = parameters.TryGetProperty("summary", out var s) ? s.GetString() ?? "Done." : "Done.";
                await step.AppendAsync(ct,
                    (decided, Actor.Agent),
                    (new ToolCalled(toolCallId, tool.Name, parameters, tool.Kind, hash), Actor.Agent),
                    (new ThreadCompleted(summary, parameters), Actor.Agent),
                    Status(state, "completed"),
                    Final(state, summary));
                break;
            default:
                throw new InvalidOperationException($"Unhandled tool kind {tool.Kind}");
        }
    }

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

    private async Task RequestApprovalAsync(StepWriter step, List<(ThreadEvent, Actor)> prefix, ToolDefinition tool, string toolCallId, JsonElement parameters, string hash, string? reason, CancellationToken ct)
    {
        var state = step.State;
        var policy = tool.Approval ?? ApprovalPolicy.Default;
        var approvalId = ids.NewId("ap");
        var requestedAt = time.GetUtcNow();
        var expiresAt = requestedAt + policy.EffectiveExpiry;
        await step.AppendAsync(ct, [
            .. prefix,
            (new ApprovalRequested(approvalId, toolCallId, tool.Name, parameters, hash, reason, state.RequestedBy, policy, expiresAt), Actor.Agent),
            (new MessageQueued(MessageKeys.Approval(approvalId), "approval", $"Approval needed: {tool.Name}", approvalId), Actor.System),
            Status(state, $"waiting for approval of {tool.Name}")]);
        foreach (var at in LadderTimes(policy, requestedAt, expiresAt))
            await scheduler.ScheduleApprovalCheckAsync(state.Id, approvalId, at, ct);
    }

    private static IEnumerable<DateTimeOffset> LadderTimes(ApprovalPolicy policy, DateTimeOffset requestedAt, DateTimeOffset expiresAt)
    {
        if (policy.RemindAfter is { } remind && requestedAt + remind < expiresAt) yield return requestedAt + remind;
        if (policy.EscalateAfter is { } escalate && requestedAt + escalate < expiresAt) yield return requestedAt + escalate;
        yield return expiresAt;
    }

    private async Task RunApprovedAsync(StepWriter step, DecidedCall approved, CancellationToken ct)
    {
        var tool = catalog.FindTool(approved.Tool);
        var approval = step.State.FindSettledApproval(approved.ApprovalId);
        // The approval is bound to what people saw: run only what hashes the same as the approved call.
        var rehash = ToolCallHash.Compute(approved.Tool, approved.Parameters);
        if (tool is null || approval is null || approval.ParametersHash != approved.ParametersHash || rehash != approved.ParametersHash)
        {
            await AppendErrorAsync(step, ct, [], new ErrorOccurred("The approved call no longer matches what was approved; it was not run.", null, "system", approved.ToolCallId, approved.Tool));
            return;
        }
        await step.AppendAsync(ct, (new ToolCalled(approved.ToolCallId, tool.Name, approved.Parameters, tool.Kind, approved.ParametersHash), Actor.Agent));
        await ExecuteAsync(step, tool, approved.ToolCallId, approved.Parameters, ct);
    }

    private async Task RecoverInFlightAsync(StepWriter step, ToolCallState inFlight, CancellationToken ct)
    {
        var tool = catalog.FindTool(inFlight.Tool);
        if (tool is { Idempotent: true })
        {
            log.LogWarning("Re-running idempotent tool {Tool} ({ToolCallId}) found without a result", inFlight.Tool, inFlight.ToolCallId);
            await step.AppendAsync(ct, (new ToolCalled(inFlight.ToolCallId, inFlight.Tool, inFlight.Parameters, inFlight.Kind, inFlight.ParametersHash, inFlight.Attempt + 1), Actor.System));
            await ExecuteAsync(step, tool, inFlight.ToolCallId, inFlight.Parameters, ct);
            return;
        }
        await EscalateAsync(step, PauseReasons.OutcomeUnknown,
            $"{inFlight.Tool} ({inFlight.ToolCallId}) started but its outcome was never recorded, and it is not safe to run twice. Check whether it took effect, then resume or abort.", ct);
    }

    private async Task ExecuteAsync(StepWriter step, ToolDefinition tool, string toolCallId, JsonElement parameters, CancellationToken ct)
    {
        var state = step.State;
        ToolOutcome outcome;
        if (!_runners.TryGetValue(tool.Runner.Type, out var runner))
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
            await AppendErrorAsync(step, ct, [.. ApprovalCardUpdate(state, toolCallId, "did not succeed")],
                new ErrorOccurred(outcome.Error ?? "The tool failed.", Compact(outcome.Detail), "tool", toolCallId, tool.Name));
            return;
        }
        // Turn 4 (verify): a result counts only once its outcome is confirmed.
        var events = new List<(ThreadEvent, Actor)>();
        if (tool.Verify.Count > 0)
        {
            var checks = await Checks.RunAsync(ToolCheck.Verification, tool.Verify, state, tool, toolCallId, parameters, outcome.Result, ct);
            events.AddRange(checks.Events.Select(e => (e, Actor.System)));
            if (checks.Failure is { } failed)
            {
                log.LogWarning("Tool {Tool} ran but its verification failed: {Error}", tool.Name, failed.Message);
                events.AddRange(ApprovalCardUpdate(state, toolCallId, "ran, but its verification failed"));
                await AppendErrorAsync(step, ct, [.. events], new ErrorOccurred(
                    $"{tool.Name} ran but its verification failed ({failed.Check}): {failed.Message}", Compact($"result: {outcome.Result.GetRawText()}; {failed.Detail}"), "verification", toolCallId, tool.Name));
                return;
            }
        }
        events.AddRange(
        [
            (new ToolReturned(toolCallId, tool.Name, outcome.Result), Actor.Agent),
            Status(state, $"{tool.Name} ✓"),
        ]);
        events.AddRange(ApprovalCardUpdate(state, toolCallId, tool.Verify.Count > 0 ? "ran and verified" : "ran"));
        if (tool.Name == BuiltinTools.PostMessage && parameters.TryGetProperty("text", out var text))
            events.Add((new MessageQueued("post:" + toolCallId, "notice", text.GetString() ?? ""), Actor.Agent));
        await step.AppendAsync(ct, [.. events]);
    }

    private async Task AppendErrorAsync(StepWriter step, CancellationToken ct, (ThreadEvent, Actor)[] before, ErrorOccurred error)
    {
        var events = new List<(ThreadEvent, Actor)>(before) { (error, Actor.System) };
        var errorsAfter = step.State.ConsecutiveErrors + 1;
        if (errorsAfter >= ErrorThreshold)
        {
            var detail = $"{ErrorThreshold} errors in a row; the last: {error.Message}";
            events.Add((new ThreadPaused(PauseReasons.ConsecutiveErrors, detail, Escalated: true), Actor.System));
            events.Add((new MessageQueued(MessageKeys.Stuck, "stuck", "Stuck: " + detail), Actor.System));
            events.Add(Status(step.State, "stuck: " + error.Message));
        }
        else
        {
            events.Add(Status(step.State, $"error: {error.Message}"));
        }
        await step.AppendAsync(ct, [.. events]);
    }

    private Task EscalateAsync(StepWriter step, string reason, string detail, CancellationToken ct) =>
        step.AppendAsync(ct,
            (new ThreadPaused(reason, detail, Escalated: true), Actor.System),
            (new MessageQueued(MessageKeys.Stuck, "stuck", "Stuck: " + detail), Actor.System),
            Status(step.State, "stuck: " + detail));

    /// <summary>
    /// After an approved call ran: its approval card is rendered again (from the state this append makes), so people
    /// who approved it see whether it ran and what its verification found. Nothing for a call without an approval.
    /// </summary>
    private static IEnumerable<(ThreadEvent, Actor)> ApprovalCardUpdate(ThreadState state, string toolCallId, string what)
    {
        if (state.SettledApprovals.Find(a => a.ToolCallId == toolCallId) is { } approval)
            yield return (new MessageQueued(MessageKeys.Approval(approval.Id), "approval", $"{approval.Tool} {what}", approval.Id), Actor.System);
    }

    private static (ThreadEvent, Actor) Status(ThreadState state, string line) =>
        (new MessageQueued(MessageKeys.Status, "status", StatusText.Line(state, line)), Actor.System);

    private static (ThreadEvent, Actor) Final(ThreadState state, string summary) =>
        (new MessageQueued(MessageKeys.Final, "final", summary), Actor.System);

    /// <summary>Error detail kept in the context: the first 500 characters (factor 9).</summary>
    public static string? Compact(string? detail) =>
        detail is null ? null : detail.Length <= 500 ? detail : detail[..500] + $"… ({detail.Length - 500} more characters)";

    private async Task<ThreadState> ReloadAsync(string threadId, CancellationToken ct) =>
        ThreadReducer.Replay(await store.ReadAsync(threadId, 0, ct));

    /// <summary>Appends a step's events at the version it read and keeps the running state; drops the messages the agent does not post.</summary>
    private sealed class StepWriter(IEventStore store, TimeProvider time, ThreadState state, AgentMessages messages)
    {
        public ThreadState State { get; private set; } = state;

        /// <remarks>
        /// The outbox records delivery receipts (<c>message_posted</c>) while the thread runs; they change nothing the
        /// step decided on, so the step's events are appended after them. Any other concurrent event is a conflict.
        /// </remarks>
        public async Task AppendAsync(CancellationToken ct, params (ThreadEvent Event, Actor Actor)[] events)
        {
            var now = time.GetUtcNow();
            var failing = events.Any(e => e.Event is ThreadFailed);
            var newEvents = events.Where(e => messages.Keeps(e.Event, failing)).Select(e => new NewEvent(e.Event, e.Actor, now)).ToList();
            while (true)
            {
                var after = State;
                var seq = State.Version;
                foreach (var e in newEvents) after = ThreadReducer.Reduce(after, new StoredEvent(State.Id, ++seq, e.At, e.Actor, e.Data));
                try
                {
                    await store.AppendAsync(State.Id, State.Version, newEvents, ThreadSummary.From(after), null, ct);
                    State = after;
                    QueuedMessages |= newEvents.Any(e => e.Data is MessageQueued);
                    return;
                }
                catch (ConcurrencyException)
                {
                    // Only delivery receipts landed in between: they change nothing this step decided, so append after them.
                    if (!await CatchUpOnReceiptsAsync(ct)) throw;
                }
                catch (StoreUnavailableException) when (_unavailable < UnavailableRetries.Length)
                {
                    // The step's outcome (a tool's result above all) is known only here: keep it through a database
                    // restart rather than leave the next run an "outcome unknown". If the failed append did commit,
                    // the retry meets a ConcurrencyException and the run stops; the next one reads the events.
                    await Task.Delay(UnavailableRetries[_unavailable++], time, ct);
                }
            }
        }

        /// <summary>Waits between appends while the store is unavailable: about half a minute in all.</summary>
        private static readonly TimeSpan[] UnavailableRetries =
            [.. new[] { 0.2, 0.5, 1, 2, 4, 8, 8, 8 }.Select(TimeSpan.FromSeconds)];

        private int _unavailable;

        /// <summary>
        /// The outbox records <c>message_posted</c> while a run is under way (a fast chat surface does so within milliseconds).
        /// Those receipts are folded in and the append retried; anything else (a pause, an abort) still stops the run.
        /// </summary>
        private async Task<bool> CatchUpOnReceiptsAsync(CancellationToken ct)
        {
            var newer = await store.ReadAsync(State.Id, State.Version, ct);
            if (newer.Count == 0 || newer.Any(e => e.Data is not MessagePosted)) return false;
            foreach (var e in newer) State = ThreadReducer.Reduce(State, e);
            return true;
        }

        public bool QueuedMessages { get; private set; }
    }
}

/// <summary>The result of one step; <see cref="QueuedMessages"/> tells whether the outbox has new entries to deliver.</summary>
public sealed record StepOutcome(ThreadState State, bool Continue, bool QueuedMessages = false);
