using System.Text;

namespace ChatAgent.Core.Audit;

/// <summary>
/// The secret that keys the audit chain (<c>Audit:Key</c>, kept outside the database): with it every seal is
/// HMAC-SHA256, so someone who can write the database cannot re-seal what they changed. Without it the chain is plain
/// SHA-256 (tamper-evident against mistakes, not against someone who can recompute it).
/// </summary>
public sealed class AuditKey
{
    public const int MinimumLength = 32;

    private AuditKey(byte[]? value) => Value = value;

    public static AuditKey None { get; } = new(null);

    /// <summary>The configured secret's UTF-8 bytes; null (unkeyed) when unset.</summary>
    public byte[]? Value { get; }

    public static AuditKey From(string? configured)
    {
        if (string.IsNullOrWhiteSpace(configured)) return None;
        if (configured.Length < MinimumLength)
            throw new ArgumentException($"Audit:Key must be at least {MinimumLength} characters (e.g. openssl rand -hex 32).", nameof(configured));
        return new AuditKey(Encoding.UTF8.GetBytes(configured));
    }
}
