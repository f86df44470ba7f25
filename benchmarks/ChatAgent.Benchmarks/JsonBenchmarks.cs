using BenchmarkDotNet.Attributes;
using ChatAgent.Core.Events;

namespace ChatAgent.Benchmarks;

/// <summary>Event JSON (de)serialization, per event, over a realistic mix.</summary>
[MemoryDiagnoser]
public class JsonBenchmarks
{
    private List<StoredEvent> _events = [];
    private List<string> _json = [];

    [GlobalSetup]
    public void Setup()
    {
        _events = Streams.Build(1_000);
        _json = _events.Select(e => EventJson.Serialize(e.Data)).ToList();
    }

    [Benchmark(OperationsPerInvoke = 1_000, Description = "serialize one event")]
    public int Serialize()
    {
        var n = 0;
        foreach (var e in _events) n += EventJson.Serialize(e.Data).Length;
        return n;
    }

    [Benchmark(OperationsPerInvoke = 1_000, Description = "deserialize one event")]
    public int Deserialize()
    {
        var n = 0;
        foreach (var j in _json) n += EventJson.Deserialize(j) is null ? 0 : 1;
        return n;
    }
}
