using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Threads;

namespace ChatAgent.Core.Tests.Runtime;

/// <summary>
/// What each step commits, and when: a call with an effect outside the process (a shell script) is committed before it
/// runs; a built-in's call is committed with its result, in one append, so a crash before that commit leaves nothing.
/// </summary>
public sealed class StepCommitsTests : IDisposable
{
    private readonly LoopHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task BuiltinStep_CommitsItsCallAndItsResult_InOneAppend()
    {
        var id = await _h.LaunchAsync("daily-summary", "");
        var store = new RecordingStore(_h.Store);

        var state = await _h.LoopOver(store).RunAsync(id);

        Assert.Equal(ThreadStatus.Completed, state.Status);
        // daily-summary (no status lines): summarize_threads, post_message (its message), done; one commit a step.
        Assert.Equal(
        [
            "model_decision tool_call tool_result",
            "model_decision tool_call tool_result message_queued",
            "model_decision tool_call thread_completed",
        ], store.Appends);
        var events = (await _h.EventsAsync(id)).Select(e => e.Data).ToList();
        Assert.Equal(["summarize_threads", "post_message", "done"], events.OfType<ToolCalled>().Select(c => c.Tool));
        Assert.Equal(2, events.OfType<ToolReturned>().Count());
    }

    [Fact]
    public async Task ShellStep_CommitsItsCall_BeforeTheScriptRuns_AndItsResultAfter()
    {
        var id = await _h.LaunchAsync("deploy", "api to staging");
        var store = new RecordingStore(_h.Store);
        string[] logWhenCalled = [];
        store.OnAppended = types => { if (types.StartsWith("model_decision tool_call", StringComparison.Ordinal)) logWhenCalled = _h.ReleaseLog(); };

        await _h.LoopOver(store).StepAsync(id);

        Assert.Equal(["model_decision tool_call", "tool_result message_queued"], store.Appends);
        Assert.Empty(logWhenCalled); // the call was durable before run_tests wrote anything
        Assert.Single(_h.ReleaseLog(), l => l.Contains("run_tests", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BuiltinStep_WhoseCommitFails_LeavesNoTrace_AndTheNextRunPostsTheMessageOnce()
    {
        var id = await _h.LaunchAsync("daily-summary", "");
        var crashing = new RecordingStore(_h.Store) { FailWhen = types => types == "model_decision tool_call tool_result message_queued" };

        await Assert.ThrowsAsync<InvalidOperationException>(() => _h.LoopOver(crashing).RunAsync(id));

        // summarize_threads committed; post_message's call never did, so no run finds it in flight.
        var afterCrash = (await _h.EventsAsync(id)).Select(e => e.Data).ToList();
        Assert.Equal(["summarize_threads"], afterCrash.OfType<ToolCalled>().Select(c => c.Tool));
        Assert.False(ThreadReducer.Replay(await _h.EventsAsync(id)).LastToolCall is { HasResult: false });

        var state = await _h.Loop.RunAsync(id);

        Assert.Equal(ThreadStatus.Completed, state.Status);
        var events = (await _h.EventsAsync(id)).Select(e => e.Data).ToList();
        Assert.Equal(["summarize_threads", "post_message", "done"], events.OfType<ToolCalled>().Select(c => c.Tool));
        Assert.Single(events.OfType<MessageQueued>(), m => m.MessageKey.StartsWith("post:", StringComparison.Ordinal));
    }

    /// <summary>Passes everything to the real store; records each append's event types, and can fail one before it commits.</summary>
    private sealed class RecordingStore(IEventStore inner) : IEventStore
    {
        public List<string> Appends { get; } = [];

        public Func<string, bool>? FailWhen { get; init; }

        public Action<string>? OnAppended { get; set; }

        public Task<IReadOnlyList<StoredEvent>> ReadAsync(string threadId, long afterSeq = 0, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(threadId, afterSeq, cancellationToken);

        public async Task<IReadOnlyList<StoredEvent>> AppendAsync(string threadId, long expectedVersion, IReadOnlyList<NewEvent> events, ThreadSummary summary,
            string? deliveryKey = null, IReadOnlyList<ThreadWakeup>? wakeups = null, CancellationToken cancellationToken = default)
        {
            var types = string.Join(' ', events.Select(e => e.Data.Type));
            if (FailWhen?.Invoke(types) == true) throw new InvalidOperationException("the process died before this commit");
            var stored = await inner.AppendAsync(threadId, expectedVersion, events, summary, deliveryKey, wakeups, cancellationToken);
            Appends.Add(types);
            OnAppended?.Invoke(types);
            return stored;
        }

        public Task<IReadOnlyList<ThreadSummary>> ListAsync(ThreadQuery query, CancellationToken cancellationToken = default) =>
            inner.ListAsync(query, cancellationToken);
    }
}
