using System.Collections.Concurrent;

namespace ChatAgent.Bot.Teams.Connector;

/// <summary>
/// Teams' per-conversation limits for bots, paced rather than hit: at most 7 sends per second and 60 per 30 seconds
/// into one conversation. A caller reserves the next free slot and waits for it.
/// </summary>
public sealed class ConversationPacer(TimeProvider time)
{
    private static readonly (int Count, TimeSpan Window)[] Limits = [(7, TimeSpan.FromSeconds(1)), (60, TimeSpan.FromSeconds(30))];
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _sent = new();

    public Task WaitAsync(string conversationId, CancellationToken ct)
    {
        var slot = Reserve(conversationId);
        var delay = slot - time.GetUtcNow();
        return delay > TimeSpan.Zero ? Task.Delay(delay, time, ct) : Task.CompletedTask;
    }

    /// <summary>
    /// Takes a slot only when one is free now and no send is waiting for a later one: for sends worth nothing late
    /// (a typing indicator), so they never push a message behind them.
    /// </summary>
    public bool TryTakeNow(string conversationId)
    {
        var sent = _sent.GetOrAdd(conversationId, _ => new Queue<DateTimeOffset>());
        lock (sent)
        {
            var now = time.GetUtcNow();
            if (Earliest(sent, now) > now || sent.Any(t => t > now)) return false;
            sent.Enqueue(now);
            return true;
        }
    }

    /// <summary>The earliest time a send fits both windows, recorded as taken.</summary>
    internal DateTimeOffset Reserve(string conversationId)
    {
        var sent = _sent.GetOrAdd(conversationId, _ => new Queue<DateTimeOffset>());
        lock (sent)
        {
            var slot = Earliest(sent, time.GetUtcNow());
            sent.Enqueue(slot);
            return slot;
        }
    }

    /// <summary>Forgets sends older than the longest window; the first time at or after <paramref name="now"/> both windows allow.</summary>
    private static DateTimeOffset Earliest(Queue<DateTimeOffset> sent, DateTimeOffset now)
    {
        while (sent.Count > 0 && sent.Peek() <= now - Limits[^1].Window) sent.Dequeue();
        var slot = now;
        foreach (var (count, window) in Limits)
        {
            var recent = sent.Where(t => t > slot - window).ToList();
            if (recent.Count >= count) slot = Max(slot, recent[^count] + window);
        }
        return slot;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
