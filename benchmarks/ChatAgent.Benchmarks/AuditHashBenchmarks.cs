using System.Text.Json;
using BenchmarkDotNet.Attributes;
using ChatAgent.Core.Audit;
using ChatAgent.Core.Events;

namespace ChatAgent.Benchmarks;

/// <summary>Sealing one event into its thread's audit chain (as every append does), over a realistic mix.</summary>
[MemoryDiagnoser]
public class AuditHashBenchmarks
{
    private List<(StoredEvent Event, string Data, string Actor)> _events = [];

    [GlobalSetup]
    public void Setup() =>
        _events = [.. Streams.Build(1_000).Select(e => (e, EventJson.Serialize(e.Data), JsonSerializer.Serialize(e.Actor, EventJson.Options)))];

    [Benchmark(OperationsPerInvoke = 1_000, Description = "seal one event")]
    public string? Seal()
    {
        string? previous = null;
        foreach (var (e, data, actor) in _events) previous = AuditHash.Compute(previous, e.ThreadId, e.Seq, e.Data.Type, data, actor, e.At);
        return previous;
    }
}
