// Tracing overhead per loop step: runs daily-summary threads (three builtin-tool steps each, offline planner,
// in-memory store) with ChatAgent's decorators in place, first with no tracer provider, then with one that records
// every span (in-memory exporter), alternating rounds. Prints ms/step for both.
//   dotnet run -c Release --project benchmarks/ChatAgent.TracingOverhead -- [steps per round, default 500]
using System.Diagnostics;
using ChatAgent.Core.Events;
using ChatAgent.Core.Observability;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Storage.InMemory;
using ChatAgent.Core.Tools;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenTelemetry;
using OpenTelemetry.Trace;

var steps = args.Length > 0 ? int.Parse(args[0]) : 500;
var agents = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../agents"));
var services = new ServiceCollection();
services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
services.AddChatAgentStorage(null);
services.AddChatAgentTools(o => o.Path = agents);
services.AddChatAgentCore();
services.AddSingleton<IThreadScheduler, NoScheduler>();
services.AddSingleton<IEventStore>(sp => new InstrumentedEventStore(sp.GetRequiredService<InMemoryEventStore>(), []));
var runners = services.Where(d => d.ServiceType == typeof(IToolRunner)).ToList();
foreach (var d in runners)
{
    services.Remove(d);
    services.AddSingleton<IToolRunner>(sp => new InstrumentedToolRunner((IToolRunner)(d.ImplementationFactory?.Invoke(sp) ?? ActivatorUtilities.CreateInstance(sp, d.ImplementationType!))));
}
using var provider = services.BuildServiceProvider();
var threads = provider.GetRequiredService<ThreadService>();
var loop = provider.GetRequiredService<AgentLoop>();

async Task<double> RoundAsync()
{
    var done = 0;
    var watch = new Stopwatch();
    while (done < steps)
    {
        var launched = await threads.LaunchAsync(new LaunchCommand("daily-summary", "Summarize the last 24 hours.", new Origin("api"), Actor.User("api:bench"), null));
        watch.Start();
        var state = await loop.RunAsync(launched.State!.Id);
        watch.Stop();
        done += state.Step;
    }
    return watch.Elapsed.TotalMilliseconds / done;
}

await RoundAsync(); // warm-up
var spans = new List<Activity>();
double off = 0, on = 0;
const int Rounds = 3;
for (var i = 0; i < Rounds; i++)
{
    off += await RoundAsync();
    using (Sdk.CreateTracerProviderBuilder().AddSource(ChatAgentTelemetry.Name).AddInMemoryExporter(spans).Build())
        on += await RoundAsync();
    spans.Clear();
}
Console.WriteLine($"steps per round: {steps}, rounds: {Rounds}");
Console.WriteLine($"without tracer provider: {off / Rounds:F4} ms/step");
Console.WriteLine($"with tracer provider (all spans recorded, in-memory exporter): {on / Rounds:F4} ms/step");

sealed class NoScheduler : IThreadScheduler
{
    public Task ScheduleRunAsync(string threadId, CancellationToken cancellationToken = default) => Task.CompletedTask;
    public Task ScheduleDeliveryAsync(string threadId, CancellationToken cancellationToken = default) => Task.CompletedTask;
    public Task ScheduleApprovalCheckAsync(string threadId, string approvalId, DateTimeOffset at, CancellationToken cancellationToken = default) => Task.CompletedTask;
}
