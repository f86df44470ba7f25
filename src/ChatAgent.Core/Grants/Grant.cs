using System.Text.Json;
using ChatAgent.Core.Events;
using ChatAgent.Core.Tools;

namespace ChatAgent.Core.Grants;

/// <summary>
/// A standing grant as the grants projection holds it: who allowed which calls of a tool until when, from which approval
/// on which thread, and whether it was revoked (by whom, when).
/// </summary>
public sealed record Grant(
    string Id,
    string ThreadId,
    string ApprovalId,
    string Tool,
    IReadOnlyDictionary<string, JsonElement> Constraints,
    Actor GrantedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    string? Comment,
    Actor? RevokedBy = null,
    DateTimeOffset? RevokedAt = null)
{
    public bool IsLive(DateTimeOffset now) => RevokedAt is null && now < ExpiresAt;

    /// <summary>True when every constraint names a top-level parameter of <paramref name="parameters"/> with the same value (canonical JSON).</summary>
    public bool Covers(string tool, JsonElement parameters) =>
        tool == Tool && parameters.ValueKind == JsonValueKind.Object && Constraints.All(c =>
            parameters.TryGetProperty(c.Key, out var value) && CanonicalJson.Serialize(value) == CanonicalJson.Serialize(c.Value));

    /// <summary><c>service=api, env=staging</c>: what the grant covers, for cards and lists.</summary>
    public string DescribeConstraints() => Constraints.Count == 0
        ? "any parameters"
        : string.Join(", ", Constraints.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={(c.Value.ValueKind == JsonValueKind.String ? c.Value.GetString() : c.Value.GetRawText())}"));

    /// <summary>
    /// The projection's row after one of the thread's events (unchanged for any other event). A revocation counts only in
    /// the grant's own thread, as PostgreSQL's append and rebuild have it.
    /// </summary>
    public static Grant? Apply(Grant? row, string threadId, StoredEvent e) => e.Data switch
    {
        GrantCreated c when row is null => new Grant(c.GrantId, threadId, c.ApprovalId, c.Tool, c.Constraints, e.Actor, e.At, c.ExpiresAt, c.Comment),
        GrantRevoked r when row is { RevokedAt: null } && r.GrantId == row.Id && row.ThreadId == threadId => row with { RevokedBy = e.Actor, RevokedAt = e.At },
        _ => row,
    };

    /// <summary>The constraints a grant made from <paramref name="parameters"/> under <paramref name="policy"/> has.</summary>
    public static IReadOnlyDictionary<string, JsonElement> ConstraintsFrom(GrantPolicy policy, JsonElement parameters)
    {
        var result = new SortedDictionary<string, JsonElement>(StringComparer.Ordinal);
        if (parameters.ValueKind != JsonValueKind.Object) return result;
        foreach (var p in parameters.EnumerateObject())
            if (policy.On.Count == 0 || policy.On.Contains(p.Name, StringComparer.Ordinal)) result[p.Name] = p.Value.Clone();
        return result;
    }
}

/// <summary>The grants projection: written by the event store from <see cref="GrantCreated"/> / <see cref="GrantRevoked"/> in the same commit.</summary>
public interface IGrantIndex
{
    /// <summary>The grant, live or not, or null.</summary>
    Task<Grant?> FindGrantAsync(string grantId, CancellationToken cancellationToken = default);

    /// <summary>Grants, newest first: of one tool when <paramref name="tool"/> is set; only those live at <paramref name="liveAt"/> when it is set.</summary>
    Task<IReadOnlyList<Grant>> ListGrantsAsync(string? tool = null, DateTimeOffset? liveAt = null, int limit = 200, CancellationToken cancellationToken = default);
}
