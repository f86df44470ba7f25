using System.Text.Json;
using ChatAgent.Core.Events;
using ChatAgent.Core.Threads;
using ChatAgent.Core.Tools;
using ChatAgent.TestSupport;

namespace ChatAgent.Core.Tests.Threads;

/// <summary>
/// Plausible random event streams from a seed: launch, then steps that follow the loop's conventions
/// (immediate, approval with quorum 1 or 2, ask_human, terminal, validation errors, pauses, resumes,
/// outbox traffic), plus a little noise a real store may hold (late votes, answers to old questions).
/// The generator keeps only the bookkeeping it needs to stay plausible; it never looks at the reducer.
/// </summary>
internal sealed class RandomThreadGenerator(int seed)
{
    private static readonly Actor[] People = [Actor.User("slack:U1", "Alice"), Actor.User("slack:U2", "Bob"), Actor.User("teams:carol")];
    private static readonly JsonElement Params = JsonSerializer.SerializeToElement(new { service = "api", env = "production" });

    private readonly Random _random = new(seed);
    private readonly List<(string Id, string CallId)> _pendingApprovals = [];
    private readonly List<string> _grants = [];
    private string? _question;
    private string? _readyCall;
    private bool _paused;
    private bool _ended;
    private int _errorsInARow;
    private int _steps;
    private int _nextId;

    public IReadOnlyList<StoredEvent> Generate()
    {
        var stream = new EventStream($"t-seed-{seed}");
        stream.Add(new ThreadStarted("deploy", "api to production", new Dictionary<string, string> { ["service"] = "api" }, new Origin("slack", "C1"), _random.Next(3, 9)), People[0]);
        stream.Add(new UserInput("api to production"), People[0]);
        var length = _random.Next(5, 60);
        while (stream.Events.Count < length && !_ended) Step(stream);
        return stream.Events;
    }

    private string NextId(string prefix) => $"{prefix}-{++_nextId}";

    private T Pick<T>(params T[] items) => items[_random.Next(items.Length)];

    private void Step(EventStream s)
    {
        var roll = _random.Next(100);
        if (roll < 5) { Outbox(s); return; }
        if (roll < 8) { Noise(s); return; }
        if (_paused) { s.Add(new ThreadResumed(_random.Next(2) == 0 ? null : "try again"), Pick(People)); _paused = false; _errorsInARow = 0; return; }
        if (roll < 11) { s.Add(new ThreadPaused(PauseReasons.Manual, null, false), Pick(People)); _paused = true; return; }
        if (roll < 12) { s.Add(new ThreadFailed("aborted", null), Pick(People)); _ended = true; return; }
        if (roll < 16) { Child(s); return; }
        if (_pendingApprovals.Count > 0) { Vote(s); return; }
        if (_question is not null) { s.Add(new HumanResponded(_question, "yes"), Pick(People)); _question = null; return; }
        if (_readyCall is not null) { RunCall(s, _readyCall, "deploy", ToolKind.RequiresApproval); _readyCall = null; return; }
        Decide(s);
    }

    private void Decide(EventStream s)
    {
        var callId = NextId("call");
        var kind = _random.Next(10);
        var tool = kind switch { < 4 => "run_tests", < 6 => "deploy", < 7 => "ask_human", < 8 => "done", _ => "nope" };
        s.Add(new ModelDecision(callId, "offline", "hash", "{}", tool == "nope" ? null : tool));
        _steps++;
        switch (tool)
        {
            case "run_tests": RunCall(s, callId, tool, ToolKind.Immediate); break;
            case "deploy":
                var approvalId = NextId("appr");
                if (_grants.Count > 0 && _random.Next(3) == 0)
                {
                    // A standing grant covers the call: asked and approved in one go, by the grantor, under quorum 1.
                    s.Add(new ApprovalRequested(approvalId, callId, tool, Params, "h-" + callId, null, "slack:U1", new ApprovalPolicy([]), s.Now.AddMinutes(30)));
                    s.Add(new ApprovalDecided(approvalId, true, null, "h-" + callId, Pick([.. _grants])), People[1]);
                    s.Add(new MessageQueued("approval:" + approvalId, "approval", "Approved by a grant", approvalId), Actor.System);
                    _readyCall = callId;
                    break;
                }
                var policy = new ApprovalPolicy([], Quorum: _random.Next(1, 3));
                s.Add(new ApprovalRequested(approvalId, callId, tool, Params, "h-" + callId, null, "slack:U1", policy, s.Now.AddMinutes(30)));
                s.Add(new MessageQueued("approval:" + approvalId, "approval", "Deploy?", approvalId), Actor.System);
                _pendingApprovals.Add((approvalId, callId));
                break;
            case "ask_human":
                _question = NextId("q");
                s.Add(new HumanContacted(_question, callId, "Which region?"));
                break;
            case "done":
                s.Add(new ToolCalled(callId, tool, Params, ToolKind.Terminal, "h"));
                s.Add(new ThreadCompleted("done"));
                _ended = true;
                break;
            default:
                Error(s, null);
                break;
        }
    }

    private void RunCall(EventStream s, string callId, string tool, ToolKind kind)
    {
        if (_random.Next(4) == 0) s.Add(new CheckPassed(callId, tool, "precondition", "pre"), Actor.System);
        s.Add(new ToolCalled(callId, tool, Params, kind, "h-" + callId));
        var outcome = _random.Next(10);
        if (outcome < 2) { s.Add(new CheckFailed(callId, tool, "verify", "health", "unhealthy"), Actor.System); Error(s, callId); }
        else if (outcome < 6) { s.Add(new ToolReturned(callId, tool, JsonSerializer.SerializeToElement(new { ok = true, n = _random.Next(1000) })), Actor.System); _errorsInARow = 0; }
        else if (outcome < 9) Error(s, callId);
        else { s.Add(new ThreadPaused(PauseReasons.OutcomeUnknown, "crashed mid-call", true), Actor.System); _paused = true; }
    }

    private void Error(EventStream s, string? callId)
    {
        s.Add(new ErrorOccurred("it failed", new string('x', _random.Next(0, 600)), callId is null ? "validation" : "tool", callId), Actor.System);
        if (++_errorsInARow < 3) return;
        s.Add(new ThreadPaused(PauseReasons.ConsecutiveErrors, "3 errors", true), Actor.System);
        _paused = true;
    }

    private void Vote(EventStream s)
    {
        var (id, callId) = _pendingApprovals[0];
        switch (_random.Next(10))
        {
            case 0: s.Add(new ApprovalExpired(id), Actor.System); Settled(false); break;
            case 1: s.Add(new ApprovalReminded(id), Actor.System); break;
            case 2: s.Add(new ApprovalEscalated(id, ["slack:U0LEAD"]), Actor.System); break;
            case 3: s.Add(new ApprovalDecided(id, false, "no", "h-" + callId), Pick(People)); Settled(false); break;
            case 4:
                // An approver edits the call: votes on the old hash ("h-…") stop counting, later ones may still use it.
                var editor = Pick(People);
                s.Add(new ApprovalAmended(id, JsonSerializer.SerializeToElement(new { service = "web" }), "h2-" + callId, "h-" + callId,
                    [new ParameterChange("service", JsonSerializer.SerializeToElement("api"), JsonSerializer.SerializeToElement("web"))], "api is frozen"), editor);
                s.Add(new ApprovalDecided(id, true, null, _random.Next(2) == 0 ? "h2-" + callId : "h-" + callId), editor);
                if (_random.Next(2) == 0) Settled(true);
                break;
            default:
                var approver = Pick(People);
                s.Add(new ApprovalDecided(id, true, null, "h-" + callId), approver);
                if (_random.Next(4) == 0)
                {
                    // Approve and allow: the grant goes in with the vote, by the same person.
                    var grant = NextId("gr");
                    s.Add(new GrantCreated(grant, id, "deploy", new Dictionary<string, JsonElement> { ["service"] = Params.GetProperty("service") }, s.Now.AddHours(1), null), approver);
                    _grants.Add(grant);
                }
                // The generator does not count the quorum; it guesses, and lets the reducer be the judge.
                if (_random.Next(2) == 0) Settled(true);
                break;
        }

        void Settled(bool granted)
        {
            _pendingApprovals.RemoveAt(0);
            if (granted) _readyCall = callId;
        }
    }

    private readonly List<string> _children = [];

    /// <summary>A workflow's children: start one, see it wait or run, or see it end (also unknown steps: the reducer ignores them).</summary>
    private void Child(EventStream s)
    {
        var roll = _random.Next(4);
        if (roll == 0 || _children.Count == 0)
        {
            var step = NextId("step");
            _children.Add(step);
            s.Add(new ChildStarted(step, "th-" + step, "deploy", "api"), Actor.System);
            return;
        }
        var child = Pick([.. _children, "step-unknown"]);
        if (roll == 1)
        {
            s.Add(new ChildUpdated(child, "th-" + child, Pick("awaiting_human", "running", "paused"), []), Actor.System);
            return;
        }
        s.Add(new ChildFinished(child, "th-" + child, Pick("completed", "denied", "failed"), "ended"), Actor.System);
        _children.Remove(child);
    }

    private void Outbox(EventStream s)
    {
        var key = Pick("status", "approval:appr-1", "final");
        s.Add(new MessageQueued(key, "status", $"update {_random.Next(100)}"), Actor.System);
        if (_random.Next(2) == 0) s.Add(new MessagePosted(key, "slack", "C1/" + _random.Next(1000), s.Events[^1].Seq), Actor.System);
    }

    private void Noise(EventStream s)
    {
        // Revoking one of this thread's grants, now and then a second time (which changes nothing).
        if (_grants.Count > 0 && _random.Next(3) == 0)
        {
            s.Add(new GrantRevoked(Pick([.. _grants]), _random.Next(2) == 0 ? null : "shift over"), Pick(People));
            return;
        }
        ThreadEvent noise = _random.Next(4) switch
        {
            0 => new ApprovalDecided("appr-unknown", true, null, "h"),
            1 => new HumanResponded("q-old", "late answer"),
            2 => new MessagePosted("never-queued", "slack", "ref", 1),
            _ => new UserInput("and please be careful"),
        };
        s.Add(noise, Pick(People));
    }
}
