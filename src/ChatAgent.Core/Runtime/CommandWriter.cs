using ChatAgent.Core.Events;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Threads;

namespace ChatAgent.Core.Runtime;

/// <summary>What a command decided against the state it read: the events to append, or a refusal with its code.</summary>
internal sealed record CommandDecision((ThreadEvent Event, Actor Actor)[]? Events, string? Code, string? Message)
{
    public static CommandDecision Rejected(string code, string message) => new(null, code, message);

    public static CommandDecision Accepted(params (ThreadEvent Event, Actor Actor)[] events) => new(events, null, null);
}

/// <summary>
/// The commands' writer: read the thread, decide against its state, append at the version read; on a conflict reload
/// and decide again (up to <see cref="MaxConflictRetries"/> times), so concurrent clicks decide once. The work the
/// accepted command asks for (<c>wake</c>, from the state after it) is stored in the same commit as its
/// events, and nothing else happens before the caller answers: the dispatcher hands it on afterwards.
/// </summary>
internal sealed class CommandWriter(IEventStore store, TimeProvider time)
{
    public const int MaxConflictRetries = 25;

    public async Task<CommandResult> ExecuteAsync(
        string threadId,
        CancellationToken ct,
        Func<ThreadState, CommandDecision> decide,
        Func<ThreadState, IReadOnlyList<ThreadWakeup>>? wake = null,
        Func<CommandResult, ThreadState, CommandResult>? map = null)
    {
        for (var attempt = 0; attempt < MaxConflictRetries; attempt++)
        {
            var events = await store.ReadAsync(threadId, 0, ct);
            if (events.Count == 0) return CommandResult.Reject(RejectionCodes.ThreadNotFound, $"There is no thread {threadId}.");
            var state = ThreadReducer.Replay(events);
            var decision = decide(state);
            if (decision.Events is null) return CommandResult.Reject(decision.Code!, decision.Message!, state);

            var now = time.GetUtcNow();
            var newEvents = decision.Events.Select(e => new NewEvent(e.Event, e.Actor, now)).ToList();
            var after = state;
            var seq = state.Version;
            foreach (var e in newEvents) after = ThreadReducer.Reduce(after, new StoredEvent(threadId, ++seq, e.At, e.Actor, e.Data));
            try
            {
                await store.AppendAsync(threadId, state.Version, newEvents, ThreadSummary.From(after), null, wake?.Invoke(after), ct);
            }
            catch (ConcurrencyException)
            {
                continue; // someone else appended first: reload and decide again
            }
            var result = CommandResult.Ok(after);
            return map is null ? result : map(result, after);
        }
        return CommandResult.Reject(RejectionCodes.Busy, $"Thread {threadId} is changing too fast; try again.");
    }
}
