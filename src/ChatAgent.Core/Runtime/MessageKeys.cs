namespace ChatAgent.Core.Runtime;

/// <summary>Outbox message keys: one status message per thread, one card per approval or question.</summary>
public static class MessageKeys
{
    public const string Status = "status";
    public const string Stuck = "stuck";
    public const string Final = "final";

    public static string Approval(string approvalId) => "approval:" + approvalId;

    public static string Question(string requestId) => "question:" + requestId;

    /// <summary>A nudge for one rung of an approval's ladder (<c>remind</c>, <c>escalate</c>): a new message that notifies people.</summary>
    public static string Nudge(string approvalId, string rung) => $"nudge:{approvalId}:{rung}";

    /// <summary>The message that tells the requester an approver changed the call before approving it.</summary>
    public static string Amended(string approvalId) => $"amended:{approvalId}";

    public static string Step(int step) => $"step:{step:D3}";
}
