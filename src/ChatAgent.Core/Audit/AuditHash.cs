using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
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
    public const string KeyedPrefix = "hmac:";

    /// <summary>A message buffer above this is not kept for the thread's next seal (a huge tool output would stay in memory).</summary>
    private const int KeptCapacity = 64 * 1024;

    /// <summary>The message is built in one buffer per thread and digested in one call (one native call per seal, not eight).</summary>
    [ThreadStatic] private static ArrayBufferWriter<byte>? t_message;

    [ThreadStatic] private static Utf8JsonWriter? t_json;

    public static bool IsKeyed(string seal) => seal.StartsWith(KeyedPrefix, StringComparison.Ordinal);

    public static string Compute(string? previousHash, string threadId, long seq, string type, string dataJson, string actorJson, DateTimeOffset at, byte[]? key = null)
    {
        var message = t_message ??= new ArrayBufferWriter<byte>(1024);
        message.ResetWrittenCount();
        try
        {
            AppendPrevious(message, previousHash);
            AppendString(message, threadId);
            AppendInt64(message, seq);
            AppendString(message, type);
            AppendJsonb(message, dataJson);
            AppendJsonb(message, actorJson);
            AppendInt64(message, Microseconds(at));
            Span<byte> digest = stackalloc byte[32];
            if (key is null) SHA256.HashData(message.WrittenSpan, digest);
            else HMACSHA256.HashData(key, message.WrittenSpan, digest);
            var hex = Convert.ToHexStringLower(digest);
            return key is null ? hex : KeyedPrefix + hex;
        }
        finally
        {
            if (message.Capacity > KeptCapacity) t_message = null;
        }
    }

    /// <summary>The instant as stored: truncated to whole microseconds.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset at) => new(at.UtcTicks - at.UtcTicks % 10, TimeSpan.Zero);

    private static long Microseconds(DateTimeOffset at) => (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    /// <summary>The previous seal's 32 bytes (its hex, without the keyed mark), or 32 zero bytes for a thread's first event.</summary>
    private static void AppendPrevious(ArrayBufferWriter<byte> message, string? previousHash)
    {
        if (previousHash is null)
        {
            message.GetSpan(32)[..32].Clear();
            message.Advance(32);
            return;
        }
        var hex = IsKeyed(previousHash) ? previousHash.AsSpan(KeyedPrefix.Length) : previousHash.AsSpan();
        var bytes = message.GetSpan(hex.Length / 2 + 1);
        if (Convert.FromHexString(hex, bytes, out var consumed, out var written) != OperationStatus.Done || consumed != hex.Length)
            throw new FormatException("A previous seal is not hexadecimal.");
        message.Advance(written);
    }

    private static void AppendString(ArrayBufferWriter<byte> message, string value)
    {
        var span = message.GetSpan(4 + Encoding.UTF8.GetMaxByteCount(value.Length));
        var length = Encoding.UTF8.GetBytes(value, span[4..]);
        BinaryPrimitives.WriteInt32BigEndian(span, length);
        message.Advance(4 + length);
    }

    /// <summary>The canonical (jsonb) form's UTF-8 bytes, behind their length, written in place.</summary>
    private static void AppendJsonb(ArrayBufferWriter<byte> message, string json)
    {
        var lengthAt = message.WrittenCount;
        message.GetSpan(4);
        message.Advance(4);
        var writer = t_json;
        if (writer is null) t_json = writer = new Utf8JsonWriter(message);
        else writer.Reset(message);
        try
        {
            CanonicalJson.WriteAsJsonb(json, writer);
        }
        catch
        {
            // A writer left mid-value would refuse the next seal's first token.
            t_json = null;
            throw;
        }
        var length = message.WrittenCount - lengthAt - 4;
        BinaryPrimitives.WriteInt32BigEndian(MemoryMarshal.AsMemory(message.WrittenMemory).Span.Slice(lengthAt, 4), length);
    }

    private static void AppendInt64(ArrayBufferWriter<byte> message, long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(message.GetSpan(8), value);
        message.Advance(8);
    }
}
