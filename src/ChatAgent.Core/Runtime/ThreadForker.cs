using ChatAgent.Core.Agents;
using ChatAgent.Core.Events;
using ChatAgent.Core.Planning;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Threads;
using Microsoft.Extensions.Logging;

namespace ChatAgent.Core.Runtime;

/// <summary>
/// Forks a thread (dry-run replay). The fork is a new thread of the same agent whose stream is its own
/// <c>thread_started</c> (naming the origin and the seq, marked as a dry run) followed by copies of the origin's events
/// 2..seq, all but its outbox (<c>message_queued</c>, <c>message_posted</c>: the origin's chat messages are not the
/// fork's), with the origin's actors and the fork's time. Replaying it gives the origin's state at that seq. The origin
/// is only read: it gets no event. Refusals append nothing.
/// </summary>
public sealed class ThreadForker(IEventStore store, IAgentCatalog catalog, IPlanner planner, TimeProvider time, IIdGenerator ids, ILogger<ThreadForker> log)
{
    public async Task<CommandResult> ForkAsync(ForkCommand command, CancellationToken ct = default)
    {
        var events = await store.ReadAsync(command.ThreadId, 0, ct);
        if (events.Count == 0) return CommandResult.Reject(RejectionCodes.ThreadNotFound, $"There is no thread {command.ThreadId}.");
        if (!command.DryRun)
            return CommandResult.Reject(RejectionCodes.ForkDryRunOnly, "Only dry runs can be forked: set dryRun to true (a fork that runs its tools for real is not supported).");
        var last = events[^1].Seq;
        if (command.At < 1 || command.At > last)
            return CommandResult.Reject(RejectionCodes.ForkSeqUnknown, $"Thread {command.ThreadId} has events 1 to {last}; there is no event {command.At}.");
        if (events[0].Data is not ThreadStarted started) throw new InvalidOperationException($"Thread {command.ThreadId} does not begin with thread_started.");
        if (catalog.FindAgent(started.Agent) is not { } agent)
            return CommandResult.Reject(RejectionCodes.AgentUnknown, $"Agent '{started.Agent}' is no longer defined, so its threads cannot be forked.");
        if (agent.Workflow is not null)
            return CommandResult.Reject(RejectionCodes.ForkWorkflow, $"'{agent.Name}' is a workflow: its steps launch real child threads, so it cannot be dry-run. Fork one of its children instead.");
        if (command.PromptVersion is { } version && version != agent.Prompt.Hash)
            return CommandResult.Reject(RejectionCodes.ForkPromptUnknown,
                $"Prompt version '{version}' is unknown: {agent.Name} runs {agent.PromptFile} as loaded now, version {agent.Prompt.Hash}, and no other.");
        if (!TryChoosePlanner(command.Planner, out var chosen))
            return CommandResult.Reject(RejectionCodes.ForkPlannerUnknown,
                $"Planner '{command.Planner}' is unknown: choose {string.Join(" or ", new[] { planner.Name, OfflinePlanner.PlannerName }.Distinct())}.");

        var forkId = ids.NewId("th");
        var now = time.GetUtcNow();
        var where = command.Post ? started.Origin with { User = command.Actor.Id } : new Origin("api", User: command.Actor.Id);
        var fork = new List<NewEvent>
        {
            new(new ThreadStarted(started.Agent, started.Input, started.Arguments, where, started.MaxSteps,
                ForkedFrom: new ForkedFrom(command.ThreadId, command.At), DryRun: true, Planner: chosen), command.Actor, now),
        };
        fork.AddRange(events.Skip(1).TakeWhile(e => e.Seq <= command.At)
            .Where(e => e.Data is not (MessageQueued or MessagePosted))
            .Select(e => new NewEvent(e.Data, e.Actor, now)));
        var state = ThreadReducer.Replay(fork.Select((e, i) => new StoredEvent(forkId, i + 1, e.At, e.Actor, e.Data)));
        await store.AppendAsync(forkId, 0, fork, ThreadSummary.From(state), null, [ThreadWakeup.Run(forkId)], ct);
        log.LogInformation("Forked {Origin} at {Seq} as dry run {ThreadId} for {User}", command.ThreadId, command.At, forkId, command.Actor.Id);
        return CommandResult.Ok(state);
    }

    /// <summary>Null (the configured planner) for none or the configured one's name; <c>offline</c> when asked for while a model is configured.</summary>
    private bool TryChoosePlanner(string? asked, out string? chosen)
    {
        chosen = null;
        if (string.IsNullOrWhiteSpace(asked) || asked == planner.Name) return true;
        if (asked != OfflinePlanner.PlannerName) return false;
        chosen = OfflinePlanner.PlannerName;
        return true;
    }
}
