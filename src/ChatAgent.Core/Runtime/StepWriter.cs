using ChatAgent.Core.Agents;
using ChatAgent.Core.Events;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Threads;

namespace ChatAgent.Core.Runtime;

/// <summary>Appends a step's events at the version it read and keeps the running state; drops the messages the agent does not post.</summary>
internal sealed class StepWriter(IEventStore store, TimeProvider time, ThreadState state, AgentMessages messages, Chat.DeliveryTargets? deliveries = null)
{
    /// <summary>The thread as this step sees it: what is committed, then what is staged for the next append.</summary>
    public ThreadState State { get; private set; } = state;

    /// <summary>The thread as committed: the version the next append expects.</summary>
    private ThreadState _committed = state;

    private readonly List<NewEvent> _staged = [];

    private readonly List<StoredEvent> _landed = [];

    private readonly Chat.DeliveryTargets _deliveries = deliveries ?? Chat.DeliveryTargets.All;

    /// <summary>
    /// What this step committed, as stored (its appends and the receipts folded in before them), in order from the
    /// version it started at: the loop keeps them instead of reading them back before the next step.
    /// </summary>
    public IReadOnlyList<StoredEvent> Landed => _landed;

    /// <summary>
    /// Records <paramref name="events"/> with the step's next append, in the same commit, and folds them into
    /// <see cref="State"/> now. For a call whose effect stays inside this process (a built-in tool): a crash before that
    /// commit leaves no trace of the call and no effect, so the next run decides the step again, and the step costs one
    /// commit instead of two.
    /// </summary>
    public void Stage(params (ThreadEvent Event, Actor Actor)[] events)
    {
        var now = time.GetUtcNow();
        foreach (var e in events.Where(e => messages.Keeps(e.Event, false)).Select(e => new NewEvent(e.Event, e.Actor, now)))
        {
            _staged.Add(e);
            State = ThreadReducer.Reduce(State, new StoredEvent(State.Id, State.Version + 1, e.At, e.Actor, e.Data));
        }
    }

    /// <summary>Set in a dry run: what its origin recorded, which the step reuses instead of running anything.</summary>
    public DryRunRecord? DryRun { get; init; }

    /// <remarks>
    /// The outbox records delivery receipts (<c>message_posted</c>) while the thread runs; they change nothing the
    /// step decided on, so the step's events are appended after them. Any other concurrent event is a conflict.
    /// </remarks>
    public async Task AppendAsync(CancellationToken ct, params (ThreadEvent Event, Actor Actor)[] events)
    {
        var now = time.GetUtcNow();
        var failing = events.Any(e => e.Event is ThreadFailed);
        var newEvents = _staged.Concat(events.Where(e => messages.Keeps(e.Event, failing)).Select(e => new NewEvent(e.Event, e.Actor, now))).ToList();
        while (true)
        {
            var after = _committed;
            var seq = _committed.Version;
            foreach (var e in newEvents) after = ThreadReducer.Reduce(after, new StoredEvent(_committed.Id, ++seq, e.At, e.Actor, e.Data));
            try
            {
                var wakeups = EndOfRunWakeups(after);
                _landed.AddRange(await store.AppendAsync(_committed.Id, _committed.Version, newEvents, ThreadSummary.From(after), wakeups: wakeups, cancellationToken: ct));
                State = _committed = after;
                _staged.Clear();
                QueuedMessages |= newEvents.Any(e => e.Data is MessageQueued);
                Woke = wakeups is not null;
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

    /// <summary>True when the last append stopped the run and carried its end-of-run wake-ups (<see cref="EndOfRunWakeups"/>).</summary>
    public bool Woke { get; private set; }

    /// <summary>
    /// An append that takes the thread out of running ends the run, so it carries what the run's end asks for: the
    /// outbox's delivery when it has anything to post (<see cref="Chat.DeliveryTargets.Due"/>), and the workflow's run
    /// when the thread is a child (factor 10). In the same commit as the events, they cannot be lost to a crash between
    /// two writes, and cost no transaction of their own. Null when the thread still runs.
    /// </summary>
    private IReadOnlyList<ThreadWakeup>? EndOfRunWakeups(ThreadState after)
    {
        if (after.Status == ThreadStatus.Running) return null;
        var wakeups = new List<ThreadWakeup>(2);
        if (_deliveries.Due(after)) wakeups.Add(ThreadWakeup.Deliver(after.Id));
        if (after.ParentThreadId is { } parent) wakeups.Add(ThreadWakeup.Run(parent));
        return wakeups;
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
        var newer = await store.ReadAsync(_committed.Id, _committed.Version, ct);
        if (newer.Count == 0 || newer.Any(e => e.Data is not MessagePosted)) return false;
        _landed.AddRange(newer);
        foreach (var e in newer) _committed = ThreadReducer.Reduce(_committed, e);
        State = _committed;
        var seq = _committed.Version;
        foreach (var e in _staged) State = ThreadReducer.Reduce(State, new StoredEvent(State.Id, ++seq, e.At, e.Actor, e.Data));
        return true;
    }

    public bool QueuedMessages { get; private set; }

    /// <summary>
    /// Appends <paramref name="before"/> and the error; the <see cref="AgentLoop.ErrorThreshold"/>th error in a row
    /// also pauses and escalates the thread (factor 9), with the stuck card.
    /// </summary>
    public Task AppendErrorAsync((ThreadEvent, Actor)[] before, ErrorOccurred error, CancellationToken ct)
    {
        var events = new List<(ThreadEvent, Actor)>(before) { (error, Actor.System) };
        if (State.ConsecutiveErrors + 1 >= AgentLoop.ErrorThreshold)
        {
            var detail = $"{AgentLoop.ErrorThreshold} errors in a row; the last: {error.Message}";
            events.Add((new ThreadPaused(PauseReasons.ConsecutiveErrors, detail, Escalated: true), Actor.System));
            events.Add((new MessageQueued(MessageKeys.Stuck, "stuck", "Stuck: " + detail), Actor.System));
            events.Add(StepEvents.Status(State, "stuck: " + error.Message));
        }
        else
        {
            events.Add(StepEvents.Status(State, $"error: {error.Message}"));
        }
        return AppendAsync(ct, [.. events]);
    }

    /// <summary>Pauses the thread for a human (factor 9): the stuck card says why.</summary>
    public Task EscalateAsync(string reason, string detail, CancellationToken ct) =>
        AppendAsync(ct,
            (new ThreadPaused(reason, detail, Escalated: true), Actor.System),
            (new MessageQueued(MessageKeys.Stuck, "stuck", "Stuck: " + detail), Actor.System),
            StepEvents.Status(State, "stuck: " + detail));
}
