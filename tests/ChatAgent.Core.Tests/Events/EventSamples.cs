using System.Text.Json;
using ChatAgent.Core.Events;
using ChatAgent.Core.Tools;

namespace ChatAgent.Core.Tests.Events;

/// <summary>
/// One realistic sample per event type, with its wire name written out by hand. A new event type
/// without an entry here fails <see cref="EventJsonTests.EveryEventType_HasASample"/>.
/// </summary>
internal static class EventSamples
{
    public static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    public static readonly ApprovalPolicy TwoApprovers = new(["group:deployers"], Quorum: 2, ExpiresAfter: TimeSpan.FromMinutes(30),
        RemindAfter: TimeSpan.FromMinutes(10), EscalateAfter: TimeSpan.FromMinutes(20), EscalateTo: ["slack:U0LEAD"]);

    public static readonly IReadOnlyList<(string WireName, ThreadEvent Sample)> All =
    [
        ("thread_started", new ThreadStarted("deploy", "api to production",
            new Dictionary<string, string> { ["service"] = "api", ["env"] = "production" },
            new Origin("slack", "C123", "1700000000.000100", "slack:U1"), 8, ParentThreadId: "t-parent")),
        ("user_input", new UserInput("api to production")),
        ("model_decision", new ModelDecision("call-1", "offline", "0123456789abcdef", """{"tool":"run_tests","parameters":{"service":"api"}}""", "run_tests", "tests first")),
        ("tool_call", new ToolCalled("call-1", "run_tests", Json("""{"service":"api"}"""), ToolKind.Immediate, "hash-1", Attempt: 2)),
        ("tool_result", new ToolReturned("call-1", "run_tests", Json("""{"passed":42,"failed":0,"version":"1.4.2"}"""))),
        ("error", new ErrorOccurred("deploy failed", "exit code 2: timeout", "tool", "call-2", "deploy")),
        ("approval_requested", new ApprovalRequested("appr-1", "call-2", "deploy", Json("""{"service":"api","env":"production"}"""), "hash-2",
            "production needs a human", "slack:U1", TwoApprovers, new DateTimeOffset(2026, 1, 15, 10, 0, 0, TimeSpan.Zero))),
        ("approval_decided", new ApprovalDecided("appr-1", true, "looks fine", "hash-2")),
        ("approval_reminded", new ApprovalReminded("appr-1")),
        ("approval_escalated", new ApprovalEscalated("appr-1", ["slack:U0LEAD"])),
        ("approval_expired", new ApprovalExpired("appr-1")),
        ("human_contacted", new HumanContacted("q-1", "call-3", "Which region first?", "slack:U2")),
        ("human_response", new HumanResponded("q-1", "eu-west-1")),
        ("thread_paused", new ThreadPaused("consecutive_errors", "3 errors in a row", Escalated: true)),
        ("thread_resumed", new ThreadResumed("try the canary first")),
        ("message_queued", new MessageQueued("approval:appr-1", "approval", "Deploy api to production?", ApprovalId: "appr-1")),
        ("message_posted", new MessagePosted("approval:appr-1", "slack", "C123/1700000000.000200", 16)),
        ("thread_completed", new ThreadCompleted("deployed api 1.4.2 to production", Json("""{"version":"1.4.2"}"""))),
        ("thread_failed", new ThreadFailed("aborted", "aborted by slack:U1")),
        ("check_passed", new CheckPassed("call-2", "deploy_to_production", "precondition", "staging runs 1.4.2", Json("""{"healthy":true,"version":"1.4.2"}"""))),
        ("child_started", new ChildStarted("staging", "th-child", "deploy", "api to staging")),
        ("child_updated", new ChildUpdated("production", "th-child", "awaiting_human",
            [new ChatAgent.Core.Threads.ChildApproval("th-child", "appr-7", "deploy_to_production", Json("""{"service":"api","version":"1.4.2"}"""), new DateTimeOffset(2026, 1, 15, 11, 0, 0, TimeSpan.Zero))])),
        ("child_finished", new ChildFinished("test", "th-child", "completed", "release-test finished", Json("""{"passed":true,"tests":42}"""))),
        ("check_failed", new CheckFailed("call-3", "deploy_to_staging", "verify", "health check", "expected healthy = true, got false", "{\"healthy\":false}")),
        ("approval_amended", new ApprovalAmended("appr-1", Json("""{"service":"web","env":"production"}"""), "hash-3", "hash-2",
            [new ParameterChange("service", Json("\"api\""), Json("\"web\"")), new ParameterChange("dry_run", Json("true"), null)], "api is frozen")),
        ("grant_created", new GrantCreated("gr-1", "appr-1", "deploy", new Dictionary<string, JsonElement> { ["env"] = Json("\"production\""), ["service"] = Json("\"api\"") },
            new DateTimeOffset(2026, 1, 15, 10, 30, 0, TimeSpan.Zero), "for the release window")),
        ("grant_revoked", new GrantRevoked("gr-1", "release done")),
    ];
}
