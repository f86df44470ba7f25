using ChatAgent.Core.Chat;
using ChatAgent.Core.Events;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Threads;
using Hangfire;
using Microsoft.Extensions.Logging;

namespace ChatAgent.Jobs;

/// <summary>
/// The outbox's delivery: posts every undelivered message of a thread to its origin's chat surface, or
/// updates the one posted earlier under the same key, and records the platform reference as
/// <c>message_posted</c>. A chat outage makes the job fail and retry later: messages are delayed, never lost.
/// Only the latest version of each message is sent, so a burst of status edits costs one call.
/// </summary>
public sealed class DeliverMessagesJob(
    IEventStore store,
    IEnumerable<IChatSurface> surfaces,
    IThreadLock locks,
    TimeProvider time,
    ILogger<DeliverMessagesJob> log,
    IEnumerable<IDirectMessages> direct,
    Core.Approvals.ApproverDirectory approvers)
{
    private readonly Dictionary<string, IChatSurface> _surfaces = surfaces.ToDictionary(s => s.Platform, StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, IDirectMessages> _direct = direct.ToDictionary(s => s.Platform, StringComparer.OrdinalIgnoreCase);

    [Queue(JobQueues.Outbox)]
    [AutomaticRetry(Attempts = 20, DelaysInSeconds = [1, 2, 5, 10, 15, 30, 30, 60, 60, 60, 120, 120, 300, 300, 300, 600, 600, 600, 600, 600])]
    public async Task RunAsync(string threadId, CancellationToken cancellationToken)
    {
        using var scope = log.BeginScope(new Dictionary<string, object> { ["ThreadId"] = threadId, ["Job"] = "deliver" });
        // A delivery that finds the lock taken stops at once, so the holder re-reads the outbox after releasing
        // it: a message queued while the holder was finishing is never stranded.
        // The thread is read whole once; every later look reads only the events appended since (O(new events)).
        ThreadState? known = null;
        for (var round = 0; round < 100; round++)
        {
            await using (var handle = await locks.TryAcquireAsync("outbox:" + threadId, cancellationToken))
            {
                if (handle is null) return;
                known = await DeliverAllAsync(threadId, known, cancellationToken);
            }
            known = await store.CatchUpAsync(threadId, known, cancellationToken);
            if (NextUndelivered(known) is null && NextCopy(known) is null) return;
        }
    }

    /// <summary>
    /// Delivers until nothing is due; returns the thread as last read or recorded. A recorded receipt was appended at
    /// the version it expected, so the state it returns is the thread as of that commit: nothing to read before the next
    /// message (what others append meanwhile is found by the look after the lock is released).
    /// </summary>
    private async Task<ThreadState> DeliverAllAsync(string threadId, ThreadState? known, CancellationToken cancellationToken)
    {
        var state = await store.CatchUpAsync(threadId, known, cancellationToken);
        while (true)
        {
            if (NextUndelivered(state) is { } next && _surfaces.TryGetValue(state.Origin.Platform, out var surface))
            {
                var messageRef = await SendAsync(surface, state, next, cancellationToken);
                state = await RecordAsync(threadId, state, new MessagePosted(next.Key, surface.Platform, messageRef, next.Version), cancellationToken);
                continue;
            }
            if (NextCopy(state) is not var (message, recipient, platform)) return state;
            var copyRef = await SendCopyAsync(platform, state, message, recipient, cancellationToken);
            state = await RecordAsync(threadId, state, new MessagePosted(message.Key, platform.Platform, copyRef, message.Version, recipient), cancellationToken);
        }
    }

    /// <summary>
    /// The next direct-message copy due, oldest message first: a person who may decide a pending approval whose policy
    /// sends direct messages and who has no copy yet, or a copy older than its card (never a refused one). A dry run asks
    /// nobody, so it sends none.
    /// </summary>
    private (ChatMessage Message, string Recipient, IDirectMessages Platform)? NextCopy(ThreadState state)
    {
        if (_direct.Count == 0 || state.DryRun) return null;
        foreach (var message in state.Messages.Values.Where(m => m.Kind == "approval" && m.ApprovalId is not null).OrderBy(m => m.Version))
        {
            var due = message.Copies.Where(c => !c.Value.Refused && c.Value.DeliveredVersion < message.Version).Select(c => c.Key);
            if (state.FindPendingApproval(message.ApprovalId!) is { Policy.DirectMessage: true } pending && !state.IsEnded)
                due = due.Concat(approvers.ToNudge(pending, escalation: false).Where(r => !message.Copies.ContainsKey(r)));
            foreach (var recipient in due)
                if (_direct.TryGetValue(PlatformOf(recipient), out var platform)) return (message, recipient, platform);
        }
        return null;
    }

    private static string PlatformOf(string recipient) => recipient[..Math.Max(0, recipient.IndexOf(':'))];

    private static async Task<string> SendCopyAsync(IDirectMessages platform, ThreadState state, ChatMessage message, string recipient, CancellationToken ct)
    {
        if (message.Copies.GetValueOrDefault(recipient) is not { } copy) return await platform.PostDirectAsync(state, message, recipient, ct);
        await platform.UpdateDirectAsync(state, message, recipient, copy.Ref, ct);
        return copy.Ref;
    }

    /// <summary>The oldest undelivered message, or null when there is none or nowhere to post (API, webhook).</summary>
    private ChatMessage? NextUndelivered(ThreadState state) =>
        _surfaces.ContainsKey(state.Origin.Platform)
            ? state.Messages.Values.Where(m => !m.IsDelivered).OrderBy(m => m.Version).FirstOrDefault()
            : null;

    private async Task<string> SendAsync(IChatSurface surface, ThreadState state, ChatMessage message, CancellationToken ct)
    {
        if (message.Ref is null) return await surface.PostAsync(state, message, ct);
        await surface.UpdateAsync(state, message, message.Ref, ct);
        return message.Ref;
    }

    /// <summary>
    /// Records the delivery on <paramref name="state"/>; on a concurrent append it reads what was appended since and
    /// records again, never re-posting. Returns the thread with the receipt.
    /// </summary>
    private async Task<ThreadState> RecordAsync(string threadId, ThreadState state, MessagePosted posted, CancellationToken ct)
    {
        var unavailable = 0;
        for (var attempt = 0; ; attempt++)
        {
            if (attempt > 0) state = await store.CatchUpAsync(threadId, state, ct);
            var e = new NewEvent(posted, Actor.System, time.GetUtcNow());
            var after = ThreadReducer.Reduce(state, new StoredEvent(threadId, state.Version + 1, e.At, e.Actor, e.Data));
            try
            {
                await store.AppendAsync(threadId, state.Version, [e], ThreadSummary.From(after), cancellationToken: ct);
                return after;
            }
            catch (ConcurrencyException) when (attempt < 50)
            {
                log.LogDebug("Thread {ThreadId} moved while recording delivery of {Key}; retrying", threadId, posted.MessageKey);
            }
            catch (StoreUnavailableException) when (unavailable < 8)
            {
                // The message is in the channel; recording it is all that is left. Losing the receipt would post it again.
                log.LogWarning("Recording delivery of {Key} on thread {ThreadId}: the database is unavailable; retrying", posted.MessageKey, threadId);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(8, 0.25 * (1 << unavailable++))), time, ct);
            }
        }
    }
}
