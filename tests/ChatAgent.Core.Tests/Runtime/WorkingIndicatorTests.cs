using ChatAgent.Core.Chat;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Threads;

namespace ChatAgent.Core.Tests.Runtime;

/// <summary>
/// The loop shows work on the thread for each step it runs ("is typing…" in Teams): begun before the step writes
/// anything, ended once the step's events are written, and not at all for a thread that is not running.
/// </summary>
public sealed class WorkingIndicatorTests : IDisposable
{
    private readonly RecordingIndicator _working = new();
    private readonly CoreHarness _h;

    public WorkingIndicatorTests()
    {
        _h = new CoreHarness(working: _working);
        _working.Store = _h.Store;
    }

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task EachStep_BeginsBeforeItWrites_AndEndsAfterItsEventsAreWritten()
    {
        var id = await _h.LaunchAsync("deploy", "api to staging");

        var state = await _h.Loop.RunAsync(id);

        Assert.Equal(ThreadStatus.Completed, state.Status);
        var events = await _h.EventsAsync(id);
        // Offline planner, staging: run_tests, deploy_to_staging, done — three steps, each shown and ended.
        Assert.Equal(3, _working.Steps.Count);
        Assert.All(_working.Steps, s => Assert.Equal(id, s.ThreadId));
        Assert.Equal([0, 1, 2], _working.Steps.Select(s => s.Step));
        Assert.All(_working.Steps, s => Assert.True(s.EventsAtEnd > s.EventsAtBegin, $"step {s.Step} wrote its events before it ended"));
        Assert.Equal(events.Count, _working.Steps[^1].EventsAtEnd);
        Assert.Equal(_working.Steps.Skip(1).Select(s => s.EventsAtBegin), _working.Steps.SkipLast(1).Select(s => s.EventsAtEnd));
    }

    [Fact]
    public async Task AThreadThatIsNotRunning_ShowsNoWork()
    {
        var id = await _h.LaunchAsync("deploy", "api to staging");
        await _h.Loop.RunAsync(id);
        _working.Steps.Clear();

        var outcome = await _h.Loop.StepAsync(id);

        Assert.False(outcome.Continue);
        Assert.Empty(_working.Steps);
    }

    private sealed class RecordingIndicator : IWorkingIndicator
    {
        public IEventStore Store { get; set; } = null!;

        public List<Shown> Steps { get; } = [];

        public IAsyncDisposable Begin(ThreadState thread)
        {
            var shown = new Shown(thread.Id, thread.Step, Store.ReadAsync(thread.Id).Result.Count, this);
            Steps.Add(shown);
            return shown;
        }

        public sealed class Shown(string threadId, int step, int eventsAtBegin, RecordingIndicator owner) : IAsyncDisposable
        {
            public string ThreadId => threadId;
            public int Step => step;
            public int EventsAtBegin => eventsAtBegin;
            public int EventsAtEnd { get; private set; } = -1;

            public async ValueTask DisposeAsync() => EventsAtEnd = (await owner.Store.ReadAsync(threadId)).Count;
        }
    }
}
