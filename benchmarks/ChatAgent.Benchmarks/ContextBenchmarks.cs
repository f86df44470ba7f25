using BenchmarkDotNet.Attributes;
using ChatAgent.Core.Agents;
using ChatAgent.Core.Events;
using ChatAgent.Core.Planning;
using ChatAgent.Core.Threads;
using ChatAgent.Core.Tools;

namespace ChatAgent.Benchmarks;

/// <summary>Rendering the model's context (factor 3) for the shipped deploy agent, on threads of 10 and 1,000 events.</summary>
[MemoryDiagnoser]
public class ContextBenchmarks
{
    private AgentDefinition _agent = null!;
    private IReadOnlyList<ToolDefinition> _tools = [];
    private List<StoredEvent> _events = [];
    private ThreadState _state = ThreadState.Empty;

    [Params(10, 1_000)]
    public int Events { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var catalog = AgentCatalog.Load(AgentsFolder());
        _agent = catalog.FindAgent("deploy")!;
        _tools = _agent.Tools.Select(catalog.FindTool).OfType<ToolDefinition>().ToList();
        _events = Streams.Build(Events);
        _state = ThreadReducer.Replay(_events);
    }

    [Benchmark(Description = "render context")]
    public string Render() => ContextBuilder.Render(_agent, _state, _events, _tools);

    private static string AgentsFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "agents");
            if (File.Exists(Path.Combine(candidate, "deploy.yaml"))) return candidate;
        }
        throw new DirectoryNotFoundException("Run the benchmarks from the repository (the agents folder is needed).");
    }
}
