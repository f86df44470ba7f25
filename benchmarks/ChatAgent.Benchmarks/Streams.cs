using System.Text.Json;
using ChatAgent.Core.Events;
using ChatAgent.Core.Tools;

namespace ChatAgent.Benchmarks;

/// <summary>Realistic thread streams of a given length: a launch, then steps of decision, call and result, with an approval now and then.</summary>
public static class Streams
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    public static List<StoredEvent> Build(int count)
    {
        var events = new List<StoredEvent>(count);
        var user = Actor.User("slack:U1", "alice");
        long seq = 0;
        void Add(ThreadEvent e, Actor a) => events.Add(new StoredEvent("th_bench", ++seq, T0.AddMilliseconds(seq), a, e));
        Add(new ThreadStarted("deploy", "api to production", new Dictionary<string, string> { ["service"] = "api", ["env"] = "production" },
            new Origin("slack", "C1", User: "slack:U1"), int.MaxValue), user);
        Add(new UserInput("api to production"), user);
        var parameters = JsonSerializer.SerializeToElement(new { service = "api", version = "1.4.2" });
        var result = JsonSerializer.SerializeToElement(new { passed = true, tests = 42, version = "1.4.2" });
        var policy = new ApprovalPolicy(["group:deployers"], ExpiresAfter: TimeSpan.FromHours(1));
        var i = 0;
        while (events.Count < count)
        {
            var id = $"tc_{i:D6}";
            Add(new ModelDecision(id, "offline", "0123456789abcdef", "{\"tool\":\"run_tests\"}", "run_tests"), Actor.Agent);
            if (i % 10 == 9)
            {
                var ap = $"ap_{i:D6}";
                Add(new ApprovalRequested(ap, id, "deploy_to_production", parameters, "hash", "why", "slack:U1", policy, T0.AddHours(1)), Actor.Agent);
                Add(new ApprovalDecided(ap, true, "lgtm", "hash"), Actor.User("slack:U2", "bob"));
            }
            Add(new ToolCalled(id, "run_tests", parameters, ToolKind.Immediate, "hash"), Actor.Agent);
            Add(new ToolReturned(id, "run_tests", result), Actor.Agent);
            Add(new MessageQueued("status", "status", $"step {i}"), Actor.System);
            i++;
        }
        return events.Take(count).ToList();
    }
}
