namespace ChatAgent.Core.Approvals;

/// <summary>
/// Configuration <c>Approvals:Groups:&lt;group&gt;:0..n</c>: people (by name, from <c>People:*</c>) or platform-qualified
/// user ids per approver group (<c>slack:U123</c>, <c>teams:&lt;aadObjectId&gt;</c>, <c>web:alice</c>). The group
/// <see cref="OperatorsGroup"/> may steer any thread.
/// </summary>
public sealed class ApprovalOptions
{
    public const string OperatorsGroup = "operators";

    public Dictionary<string, List<string>> Groups { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Set by the host in exposed mode: a policy that resolves to nobody then lets nobody decide (start-up refuses such
    /// policies anyway), and steering needs a permitted person. Local mode: an empty policy means anyone but the requester.
    /// </summary>
    public bool Exposed { get; set; }
}
