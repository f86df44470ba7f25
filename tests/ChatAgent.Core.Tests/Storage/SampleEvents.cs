using System.Text.Json;
using ChatAgent.Core.Events;
using ChatAgent.Core.Tools;

namespace ChatAgent.Core.Tests.Storage;

/// <summary>One sample of every event type, in an order a real thread could produce.</summary>
internal static class SampleEvents
{
    private static readonly JsonElement Parameters = JsonSerializer.SerializeToElement(new { service = "api", env = "production", replicas = 3 });

    /// <summary>The events; the grant's id is new on each call (grant ids are unique across threads, as a real store's are).</summary>
    public static IReadOnlyList<ThreadEvent> All(string agent) => All(agent, $"gr-{Guid.NewGuid():N}");

    private static IReadOnlyList<ThreadEvent> All(string agent, string grantId) =>
    [
        new ThreadStarted(agent, "api to production", new Dictionary<string, string> { ["service"] = "api", ["env"] = "production" },
            new Origin("slack", "C123", "1700000000.000100", "slack:U1"), 10),
        new UserInput("api to production — ünïcode \"quoted\""),
        new ModelDecision("call-1", "offline", "sha256:abc", """{"tool":"deploy"}""", "deploy", "plan step 1"),
        new ToolCalled("call-1", "deploy", Parameters, ToolKind.RequiresApproval, "hash-1"),
        new ApprovalRequested("appr-1", "call-1", "deploy", Parameters, "hash-1", "production deploy", "slack:U1",
            new ApprovalPolicy(["group:deployers"], Quorum: 2, ExpiresAfter: TimeSpan.FromMinutes(30), EscalateTo: ["slack:U9"]),
            new DateTimeOffset(2026, 1, 2, 4, 0, 0, TimeSpan.Zero)),
        new ApprovalReminded("appr-1"),
        new ApprovalEscalated("appr-1", ["slack:U9", "group:sre"]),
        new ApprovalDecided("appr-1", true, "looks fine", "hash-1"),
        new GrantCreated(grantId, "appr-1", "deploy", new Dictionary<string, JsonElement> { ["service"] = JsonSerializer.SerializeToElement("api") },
            new DateTimeOffset(2026, 1, 2, 5, 0, 0, TimeSpan.Zero), "release window"),
        new ApprovalAmended("appr-1", JsonSerializer.SerializeToElement(new { service = "web" }), "hash-2", "hash-1",
            [new ParameterChange("service", JsonSerializer.SerializeToElement("api"), JsonSerializer.SerializeToElement("web")), new ParameterChange("dry_run", JsonSerializer.SerializeToElement(true), null)], "api is frozen"),
        new ApprovalExpired("appr-1"),
        new ToolReturned("call-1", "deploy", JsonSerializer.SerializeToElement(new { ok = true, url = "https://x/1" })),
        new ErrorOccurred("tool failed", "timeout after 30s", "tool", "call-1", "deploy"),
        new HumanContacted("req-1", "call-2", "Which region?", "slack:U2"),
        new HumanResponded("req-1", "eu-west-1"),
        new ThreadPaused("manual", "lunch", Escalated: false),
        new ThreadResumed("go on"),
        new MessageQueued("status", "status", "Deploying api…", "appr-1", "req-1"),
        new MessagePosted("status", "slack", "C123/1700000000.000200", 16),
        new CheckPassed("call-1", "deploy", "precondition", "staging runs this version", JsonSerializer.SerializeToElement(new { healthy = true })),
        new CheckFailed("call-1", "deploy", "verify", "health check", "expected healthy = true, got false", "{\"healthy\":false}"),
        new ChildStarted("staging", "th-child-1", "deploy", "api to staging"),
        new ChildUpdated("staging", "th-child-1", "awaiting_human",
            [new ChatAgent.Core.Threads.ChildApproval("th-child-1", "appr-9", "deploy", Parameters, new DateTimeOffset(2026, 1, 2, 5, 0, 0, TimeSpan.Zero))], "Which region?"),
        new ChildFinished("staging", "th-child-1", "completed", "deployed", JsonSerializer.SerializeToElement(new { version = "1.2.3" })),
        new GrantRevoked(grantId, "release done"),
        new ThreadFailed("aborted", "by a person"),
        new ThreadCompleted("deployed", JsonSerializer.SerializeToElement(new { version = "1.2.3" })),
    ];
}
