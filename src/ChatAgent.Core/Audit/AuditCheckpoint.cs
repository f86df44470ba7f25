using System.Security.Cryptography;
using System.Text;

namespace ChatAgent.Core.Audit;

/// <summary>
/// A signed record of every thread's head at one verification: <see cref="Mac"/> is HMAC-SHA256 under <c>Audit__Key</c>
/// over <see cref="Number"/>, <see cref="At"/>, the heads (ordered by thread id) and <see cref="PreviousMac"/>, so the
/// checkpoints form a chain of their own. A thread present at the latest checkpoint and missing now was deleted.
/// </summary>
public sealed record AuditCheckpoint(long Number, DateTimeOffset At, IReadOnlyList<AuditHead> Threads, string? PreviousMac, string Mac)
{
    public static AuditCheckpoint Create(long number, DateTimeOffset at, IEnumerable<AuditHead> threads, string? previousMac, byte[] key)
    {
        var heads = threads.OrderBy(h => h.ThreadId, StringComparer.Ordinal).ToList();
        var stored = AuditHash.Truncate(at);
        return new AuditCheckpoint(number, stored, heads, previousMac, ComputeMac(number, stored, heads, previousMac, key));
    }

    /// <summary>True when <see cref="Mac"/> is what the key gives for the rest (nothing in it was changed).</summary>
    public bool IsAuthentic(byte[] key) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Mac), Encoding.ASCII.GetBytes(ComputeMac(Number, At, Threads, PreviousMac, key)));

    /// <summary>Lines of <c>number, at (µs), previous MAC</c>, then <c>thread id, seq, seal</c> per head, tab-separated: ids and seals hold no tabs or newlines.</summary>
    private static string ComputeMac(long number, DateTimeOffset at, IReadOnlyList<AuditHead> heads, string? previousMac, byte[] key)
    {
        var text = new StringBuilder()
            .Append(number).Append('\t').Append((at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10).Append('\t').Append(previousMac ?? "-").Append('\n');
        foreach (var head in heads.OrderBy(h => h.ThreadId, StringComparer.Ordinal))
            text.Append(head.ThreadId).Append('\t').Append(head.Seq).Append('\t').Append(head.Hash).Append('\n');
        return AuditHash.KeyedPrefix + Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(text.ToString())));
    }
}
