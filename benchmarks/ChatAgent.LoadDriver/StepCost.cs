using System.Text.Json;
using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Storage.Postgres;
using ChatAgent.Core.Threads;
using ChatAgent.Core.Tools;
using ChatAgent.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatAgent.LoadDriver;

public sealed partial class Run
{
    /// <summary>
    /// A step's cost by thread length: the bot's own <see cref="AgentLoop"/> (offline planner, PostgreSQL store) run
    /// in this process, one step at a time, on load-steps threads whose history holds 10 or 1,000 events (earlier
    /// steps: decision, call, result, status message). Lengths alternate so both see the same machine. A step here
    /// is everything but Hangfire: read + replay, plan, validate, append the call, run post_message, append the result.
    /// </summary>
    public async Task StepCostAsync()
    {
        var db = await PostgresServer.CreateDatabaseAsync();
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddSingleton(TimeProvider.System);
        services.AddChatAgentStorage(db);
        services.AddChatAgentTools(o => o.Path = _agents);
        services.AddChatAgentCore();
        services.AddSingleton<IThreadScheduler, NoScheduler>();
        var provider = services.BuildServiceProvider();
        _owned.Add(provider);
        foreach (var init in provider.GetServices<IStorageInitializer>()) await init.EnsureSchemaAsync();
        var store = provider.GetRequiredService<IEventStore>();
        var loop = provider.GetRequiredService<AgentLoop>();

        int[] lengths = [10, 1_000];
        var first = lengths.ToDictionary(l => l, _ => new List<double>());
        var steps = lengths.ToDictionary(l => l, _ => new List<double>());
        for (var j = -3; j < options.StepCostThreads; j++)
        {
            foreach (var length in lengths)
            {
                var id = await SeedThreadAsync(store, length);
                // Step 0 is a run's first: it reads the whole stream (a resume in this process or another). Steps 1
                // and 2 are what a running thread's steps cost: the loop's cache reads only the events since.
                for (var s = 0; s < 3; s++)
                {
                    var t = Machine.Now();
                    var outcome = await loop.StepAsync(id);
                    var ms = Machine.MsSince(t);
                    if (!outcome.Continue) throw new InvalidOperationException($"Step {s} on {id} stopped the thread: {outcome.State.Status}");
                    if (j >= 0) (s == 0 ? first : steps)[length].Add(ms); // the first rounds warm up JIT, pools and caches
                }
            }
        }
        var short10 = new Stats(steps[10]);
        var long1000 = new Stats(steps[1_000]);
        var first10 = new Stats(first[10]);
        var first1000 = new Stats(first[1_000]);
        report.Add(new Row("step", "step duration p50 at 10 events (one process, no Hangfire)", short10.P50, "ms"));
        report.Add(new Row("step", "per-step overhead p99 at 10 events", short10.P99, "ms", "<= 25 ms", short10.P99 <= 25));
        report.Add(new Row("step", "step at 1,000 events vs at 10 (p50)", long1000.P50, "ms", "<= 1.5× (ratio)", long1000.P50 <= 1.5 * short10.P50,
            "the same step at 10 events", short10.P50));
        report.Add(new Row("step", "a run's first step at 1,000 events vs at 10 (p50; reads the whole stream)", first1000.P50, "ms", null, null,
            "the first step at 10 events", first10.P50));
        report.Details["step_cost"] = new
        {
            threads_per_length = options.StepCostThreads, steps_each = 3,
            at_10_events_ms = short10.Summary(), at_1000_events_ms = long1000.Summary(),
            first_step_at_10_events_ms = first10.Summary(), first_step_at_1000_events_ms = first1000.Summary(),
        };
    }

    /// <summary>A load-steps thread with <paramref name="length"/> events of earlier history, ready for its next step.</summary>
    private static async Task<string> SeedThreadAsync(IEventStore store, int length)
    {
        var id = $"th_cost_{length}_{Guid.NewGuid():N}";
        var user = Actor.User("web:alice");
        var now = DateTimeOffset.UtcNow;
        var events = new List<NewEvent>
        {
            new(new ThreadStarted(LoadAgent.Name, "go", new Dictionary<string, string>(), new Origin("api"), 1_000_000), user, now),
            new(new UserInput("go"), user, now),
        };
        var parameters = JsonSerializer.SerializeToElement(new { service = "api", version = "1.4.2" });
        var result = JsonSerializer.SerializeToElement(new { passed = true, tests = 42, version = "1.4.2" });
        for (var i = 0; events.Count < length; i++)
        {
            var call = $"tc_{i:D6}";
            events.Add(new(new ModelDecision(call, "offline", "0123456789abcdef", "{\"tool\":\"run_tests\",\"parameters\":{\"service\":\"api\"}}", "run_tests", "Never deploy an untested build."), Actor.Agent, now));
            events.Add(new(new ToolCalled(call, "run_tests", parameters, ToolKind.Immediate, "hash"), Actor.Agent, now));
            events.Add(new(new ToolReturned(call, "run_tests", result), Actor.Agent, now));
            events.Add(new(new MessageQueued("status", "status", $"Step {i}: run_tests passed (42 tests, 1.4.2)."), Actor.System, now));
        }
        events = events.Take(length).ToList();
        var state = ThreadReducer.Replay(events.Select((e, i) => new StoredEvent(id, i + 1, e.At, e.Actor, e.Data)));
        await store.AppendAsync(id, 0, events, ThreadSummary.From(state));
        return id;
    }

    private sealed class NoScheduler : IThreadScheduler
    {
        public Task ScheduleRunAsync(string threadId, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task ScheduleDeliveryAsync(string threadId, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task ScheduleApprovalCheckAsync(string threadId, string approvalId, DateTimeOffset at, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }
}
