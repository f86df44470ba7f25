using ChatAgent.Core.Agents;
using ChatAgent.Core.Events;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Threads;
using ChatAgent.Core.Workflows;
using Microsoft.Extensions.Logging;

namespace ChatAgent.Core.Runtime;

/// <summary>
/// Runs a workflow thread: reads its events and its children's, asks <see cref="WorkflowRunner"/> what comes next,
/// launches children (idempotently: the launch's delivery key is <c>&lt;workflow&gt;/&lt;step&gt;</c>, so a crash between the
/// launch and <c>child_started</c> finds the same child again) and appends, until the workflow waits or ends.
/// Children wake their workflow when they stop (<see cref="AgentLoop.RunAsync"/>), so a waiting workflow costs nothing.
/// </summary>
public sealed class WorkflowLoop(IEventStore store, ThreadService threads, IThreadScheduler scheduler, TimeProvider time, ILogger<WorkflowLoop> log)
{
    private const int MaxDecisions = 100;

    public async Task<StepOutcome> RunAsync(WorkflowDefinition workflow, string threadId, CancellationToken ct)
    {
        var queued = false;
        ThreadState state = ThreadState.Empty;
        for (var i = 0; i < MaxDecisions; i++)
        {
            // The first round reads the stream; later ones only what this loop and others appended since.
            state = await store.CatchUpAsync(threadId, state, ct);
            if (state.Status is not (ThreadStatus.Running or ThreadStatus.AwaitingHuman)) break;
            var children = new Dictionary<string, ThreadState>(StringComparer.Ordinal);
            foreach (var child in state.Children.Values.Where(c => !c.Finished))
            {
                var events = await store.ReadAsync(child.ThreadId, 0, ct);
                if (events.Count > 0) children[child.ThreadId] = ThreadReducer.Replay(events);
            }
            var decision = WorkflowRunner.Decide(workflow, state, children);
            if (decision.Waits) break;
            var append = await ToEventsAsync(state, decision, ct);
            try
            {
                await AppendAsync(state, append, ct);
                queued = true;
            }
            catch (ConcurrencyException)
            {
                log.LogInformation("Workflow {ThreadId} changed while deciding; deciding again", threadId);
            }
        }
        if (queued) await scheduler.ScheduleDeliveryAsync(threadId, ct);
        return new StepOutcome(state, false, queued);
    }

    private async Task<List<(ThreadEvent, Actor)>> ToEventsAsync(ThreadState state, WorkflowDecision decision, CancellationToken ct)
    {
        var events = new List<(ThreadEvent, Actor)>();
        foreach (var launch in decision.Launches)
        {
            var result = await threads.LaunchAsync(new LaunchCommand(launch.Agent, launch.Input, state.Origin, Actor.User(state.RequestedBy),
                DeliveryKey: $"{state.Id}/{launch.StepId}", ParentThreadId: state.Id, MaxSteps: launch.MaxSteps), ct);
            if (!result.Accepted || result.State is null)
            {
                var detail = $"Step '{launch.StepId}' could not start {launch.Agent} with \"{launch.Input}\": {result.Message}";
                return [(new ThreadFailed("child_rejected", detail), Actor.System), Status(state, detail), Final(detail)];
            }
            events.Add((new ChildStarted(launch.StepId, result.State.Id, launch.Agent, launch.Input), Actor.System));
            events.Add(Status(state, $"{launch.StepId}: {launch.Agent} started ({result.State.Id})"));
        }
        foreach (var e in decision.Events)
        {
            events.Add((e, Actor.System));
            events.Add(Status(state, e switch
            {
                ChildFinished f => $"{f.StepId}: {f.Outcome}" + (f.Summary is { } s ? $" — {s}" : ""),
                ChildUpdated { Status: "awaiting_human" } u => $"{u.StepId}: waiting for " + (u.PendingApprovals.Count > 0 ? $"approval of {string.Join(", ", u.PendingApprovals.Select(a => a.Tool))}" : "an answer"),
                ChildUpdated u => $"{u.StepId}: {u.Status}",
                _ => e.Type,
            }));
        }
        if (decision.Completed is { } completed)
            events.AddRange([(completed, Actor.System), Status(state, "completed"), Final(completed.Summary)]);
        if (decision.FailureReason is { } reason)
            events.AddRange([(new ThreadFailed(reason, decision.FailureDetail), Actor.System), Status(state, "failed: " + decision.FailureDetail), Final("Failed: " + decision.FailureDetail)]);
        return events;
    }

    private async Task AppendAsync(ThreadState state, List<(ThreadEvent Event, Actor Actor)> events, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var newEvents = events.Select(e => new NewEvent(e.Event, e.Actor, now)).ToList();
        var after = state;
        var seq = state.Version;
        foreach (var e in newEvents) after = ThreadReducer.Reduce(after, new StoredEvent(state.Id, ++seq, e.At, e.Actor, e.Data));
        await store.AppendAsync(state.Id, state.Version, newEvents, ThreadSummary.From(after), cancellationToken: ct);
    }

    private static (ThreadEvent, Actor) Status(ThreadState state, string line) =>
        (new MessageQueued(MessageKeys.Status, "status", $"{state.Agent} (workflow) · {line}"), Actor.System);

    private static (ThreadEvent, Actor) Final(string summary) =>
        (new MessageQueued(MessageKeys.Final, "final", summary), Actor.System);
}
