using System.Security.Cryptography;
using System.Text;
using ChatAgent.Core.Tools;

namespace ChatAgent.Core.Audit;

/// <summary>
/// The hash chain over a thread's events. Each event is sealed with
/// <c>hash = sha256(prev_hash || len·thread_id || seq || len·type || len·canonical(data) || len·canonical(actor) || at_µs)</c>
/// where <c>prev_hash</c> is the previous event's hash (32 zero bytes for the first), strings are UTF-8 prefixed by
/// their 4-byte big-endian length, and integers are 8-byte big-endian (<c>at</c> in microseconds since the Unix epoch,
/// PostgreSQL's precision). Canonical JSON sorts keys and normalizes numbers, so the hash survives a jsonb round trip.
/// With an <see cref="AuditKey"/> the same message is HMAC-SHA256 under the key, and the seal is written
/// <c>hmac:&lt;hex&gt;</c> so the verifier knows which rule sealed it (the next row's <c>prev_hash</c> carries it too).
/// </summary>
public static class AuditHash
{
    private static readonly byte[] Genesis = new byte[32];

    public const string KeyedPrefix = "hmac:";

    public static bool IsKeyed(string seal) => seal.StartsWith(KeyedPrefix, StringComparison.Ordinal);

    public static string Compute(string? previousHash, string threadId, long seq, string type, string dataJson, string actorJson, DateTimeOffset at, byte[]? key = null)
    {
        using var hash = key is null ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hash.AppendData(previousHash is null ? Genesis : Convert.FromHexString(IsKeyed(previousHash) ? previousHash[KeyedPrefix.Length..] : previousHash));
        AppendString(hash, threadId);
        AppendInt64(hash, seq);
        AppendString(hash, type);
        AppendString(hash, CanonicalJson.SerializeAsJsonb(dataJson));
        AppendString(hash, CanonicalJson.SerializeAsJsonb(actorJson));
        AppendInt64(hash, Microseconds(at));
        var hex = Convert.ToHexStringLower(hash.GetHashAndReset());
        return key is null ? hex : KeyedPrefix + hex;
    }

    /// <summary>The instant as stored: truncated to whole microseconds.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset at) => new(at.UtcTicks - at.UtcTicks % 10, TimeSpan.Zero);

    private static long Microseconds(DateTimeOffset at) => (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    private static void AppendString(IncrementalHash hash, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Span<byte> length = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }

    private static void AppendInt64(IncrementalHash hash, long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        hash.AppendData(bytes);
    }
}
