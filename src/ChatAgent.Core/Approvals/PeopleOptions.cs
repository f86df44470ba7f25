namespace ChatAgent.Core.Approvals;

/// <summary>
/// Configuration <c>People:&lt;name&gt;:0..n</c>: one person's ids on each platform (<c>slack:U1</c>,
/// <c>teams:&lt;aadObjectId&gt;</c>, <c>web:&lt;name&gt;</c>, <c>github:&lt;login&gt;</c>). An id listed nowhere is a person of its own.
/// </summary>
public sealed class PeopleOptions
{
    public Dictionary<string, List<string>> People { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
