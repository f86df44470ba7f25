using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace ChatAgent.Bot.Slack;

/// <summary>
/// The <c>response_url</c> of the slash command that launched a thread, kept in this process for the 30 minutes Slack
/// honours it: the way to reach people in a private channel or DM the bot is not a member of, where
/// <c>chat.postMessage</c> answers <c>not_in_channel</c>. Kept in memory, not in the events: it is a capability to post
/// into that channel, and the event stream is readable through the API. Only URLs under
/// <see cref="SlackOptions.ResponseUrlPrefix"/> are kept, so a command cannot make the bot post anywhere else.
/// </summary>
public sealed class SlackResponseUrls(IOptions<SlackOptions> options, TimeProvider time)
{
    /// <summary>How long Slack accepts posts to a response URL.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);

    private readonly ConcurrentDictionary<string, Entry> _urls = new(StringComparer.Ordinal);

    public void Remember(string threadId, string? responseUrl)
    {
        if (string.IsNullOrWhiteSpace(responseUrl) || !responseUrl.StartsWith(options.Value.ResponseUrlPrefix, StringComparison.Ordinal)) return;
        var now = time.GetUtcNow();
        foreach (var stale in _urls.Where(e => e.Value.ExpiresAt <= now).Select(e => e.Key).ToList()) _urls.TryRemove(stale, out _);
        _urls.TryAdd(threadId, new Entry(responseUrl, now + Lifetime));
    }

    /// <summary>The thread's response URL while Slack still honours it, else null.</summary>
    public string? Find(string threadId) =>
        _urls.TryGetValue(threadId, out var entry) && entry.ExpiresAt > time.GetUtcNow() ? entry.Url : null;

    /// <summary>True the first time it is asked for a thread: the person is told once how to invite the bot.</summary>
    public bool FirstRefusal(string threadId) =>
        _urls.TryGetValue(threadId, out var entry) && !Interlocked.Exchange(ref entry.Told, true);

    private sealed class Entry(string url, DateTimeOffset expiresAt)
    {
        public string Url { get; } = url;

        public DateTimeOffset ExpiresAt { get; } = expiresAt;

        public bool Told;
    }
}
