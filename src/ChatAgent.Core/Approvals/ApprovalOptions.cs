namespace ChatAgent.Core.Approvals;

/// <summary>
/// Configuration <c>Approvals:Groups:&lt;group&gt;:0..n</c>: platform-qualified user ids per approver group
/// (<c>slack:U123</c>, <c>teams:&lt;aadObjectId&gt;</c>, <c>web:alice</c>).
/// </summary>
public sealed class ApprovalOptions
{
    public Dictionary<string, List<string>> Groups { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
