using BenchmarkDotNet.Attributes;
using ChatAgent.Core.Events;
using ChatAgent.Core.Threads;

namespace ChatAgent.Benchmarks;

/// <summary>Replay through the pure reducer, and including JSON, on threads of 10, 1,000 and 100,000 events. Divide events by time for events/s.</summary>
[MemoryDiagnoser]
public class ReplayBenchmarks
{
    private List<StoredEvent> _events = [];
    private List<(StoredEvent Envelope, string Json)> _rows = [];

    [Params(10, 1_000, 100_000)]
    public int Events { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _events = Streams.Build(Events);
        _rows = _events.Select(e => (e, EventJson.Serialize(e.Data))).ToList();
    }

    [Benchmark(Description = "replay (pure reducer)")]
    public ThreadState Replay() => ThreadReducer.Replay(_events);

    [Benchmark(Description = "time travel to the middle")]
    public ThreadState ReplayUntilMiddle() => ThreadReducer.ReplayUntil(_events, Events / 2);

    [Benchmark(Description = "replay including JSON deserialization")]
    public ThreadState ReplayFromJson()
    {
        var state = ThreadState.Empty;
        foreach (var (e, json) in _rows) state = ThreadReducer.Reduce(state, e with { Data = EventJson.Deserialize(json) });
        return state;
    }
}
