using ChatAgent.Core.Events;
using ChatAgent.Core.Threads;

namespace ChatAgent.Core.Tests.Threads;

/// <summary>
/// A second, deliberately plain fold over a thread's events, written from the events' meaning (docs/DESIGN.md and the
/// event records' comments), not from <see cref="ThreadReducer"/>: mutable fields, one <c>if</c> per rule, and only what
/// a person reads off a thread (status, step, errors, results, approvals). <see cref="ReplayPropertyTests"/> checks
/// <see cref="ThreadReducer.ReplayUntil"/> against it at every prefix; a disagreement is a bug in one of the two.
/// </summary>
internal sealed class ReferenceFold
{
    private readonly Dictionary<string, (int Quorum, HashSet<string> Grants)> _pending = new(StringComparer.Ordinal);
    // Set once an approver edited the call: from then on only votes on this hash count.
    private readonly Dictionary<string, string> _amendedHash = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (bool Finished, string Status)> _children = new(StringComparer.Ordinal);
    private string? _question;

    public long Version { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public ThreadStatus? Status { get; private set; }
    public int Step { get; private set; }
    public int TotalErrors { get; private set; }
    public int ConsecutiveErrors { get; private set; }
    public List<string> ResultTools { get; } = [];
    public List<string> PendingApprovals { get; } = [];
    public List<string> SettledApprovals { get; } = [];
    public HashSet<string> RevokedGrants { get; } = new(StringComparer.Ordinal);

    public static ReferenceFold Of(IEnumerable<StoredEvent> events)
    {
        var fold = new ReferenceFold();
        foreach (var e in events) fold.Apply(e);
        return fold;
    }

    public void Apply(StoredEvent e)
    {
        Version = e.Seq;
        UpdatedAt = e.At;
        switch (e.Data)
        {
            case ThreadStarted:
                Status = ThreadStatus.Running;
                break;
            case ModelDecision:
                Step++;
                break;
            case ToolReturned r:
                ResultTools.Add(r.Tool);
                ConsecutiveErrors = 0;
                break;
            case ErrorOccurred:
                TotalErrors++;
                ConsecutiveErrors++;
                break;
            case ApprovalRequested a:
                _pending[a.ApprovalId] = (a.Policy.Quorum, new HashSet<string>(StringComparer.Ordinal));
                PendingApprovals.Add(a.ApprovalId);
                Status = ThreadStatus.AwaitingHuman;
                break;
            case ApprovalAmended m when _pending.TryGetValue(m.ApprovalId, out var edited):
                _pending[m.ApprovalId] = (edited.Quorum, new HashSet<string>(StringComparer.Ordinal));
                _amendedHash[m.ApprovalId] = m.ParametersHash;
                break;
            case ApprovalDecided d when _amendedHash.TryGetValue(d.ApprovalId, out var hash) && hash != d.ParametersHash:
                break;
            case ApprovalDecided d when _pending.TryGetValue(d.ApprovalId, out var approval):
                if (!d.Granted) Settle(d.ApprovalId, "denied");
                else
                {
                    approval.Grants.Add(e.Actor.Id);
                    if (approval.Grants.Count >= Math.Max(1, approval.Quorum)) Settle(d.ApprovalId, "granted");
                }
                break;
            // A grant lives in the grants projection: creating one changes nothing a person reads off its thread.
            case GrantRevoked r:
                RevokedGrants.Add(r.GrantId);
                break;
            case ApprovalExpired x when _pending.ContainsKey(x.ApprovalId):
                Settle(x.ApprovalId, "expired");
                break;
            case HumanContacted h:
                _question = h.RequestId;
                Status = ThreadStatus.AwaitingHuman;
                break;
            case HumanResponded h when h.RequestId == _question:
                _question = null;
                ResultTools.Add("ask_human");
                ConsecutiveErrors = 0;
                WakeIfNothingWaits();
                break;
            case ThreadPaused:
                Status = ThreadStatus.Paused;
                break;
            case ThreadResumed:
                ConsecutiveErrors = 0;
                Status = _pending.Count > 0 || _question is not null || ChildWaits ? ThreadStatus.AwaitingHuman : ThreadStatus.Running;
                break;
            case ThreadCompleted:
                Status = ThreadStatus.Completed;
                break;
            case ThreadFailed:
                Status = ThreadStatus.Failed;
                break;
            case ChildStarted c:
                _children[c.StepId] = (false, "running");
                break;
            case ChildUpdated c when _children.TryGetValue(c.StepId, out var child):
                _children[c.StepId] = (child.Finished, c.Status);
                WakeIfNothingWaits();
                break;
            case ChildFinished c when _children.ContainsKey(c.StepId):
                _children[c.StepId] = (true, c.Outcome);
                WakeIfNothingWaits();
                break;
        }
    }

    private void Settle(string approvalId, string outcome)
    {
        _pending.Remove(approvalId);
        PendingApprovals.Remove(approvalId);
        SettledApprovals.Add($"{approvalId}:{outcome}");
        WakeIfNothingWaits();
    }

    private bool ChildWaits => _children.Values.Any(c => !c.Finished && c.Status is "awaiting_human" or "paused");

    /// <summary>A paused or ended thread stays so; otherwise it waits while an approval, a question or a child is open, else it runs.</summary>
    private void WakeIfNothingWaits()
    {
        if (Status is ThreadStatus.Paused or ThreadStatus.Completed or ThreadStatus.Failed) return;
        Status = _pending.Count > 0 || _question is not null || ChildWaits ? ThreadStatus.AwaitingHuman : ThreadStatus.Running;
    }
}
