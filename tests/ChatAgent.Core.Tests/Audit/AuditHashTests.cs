using System.Security.Cryptography;
using System.Text;
using ChatAgent.Core.Audit;

namespace ChatAgent.Core.Tests.Audit;

public sealed class AuditHashTests
{
    private static readonly byte[] Key = Encoding.UTF8.GetBytes("audit-key-0123456789abcdef0123456789abcdef");
    private static readonly DateTimeOffset At = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The documented message, built by hand: genesis, then length-prefixed strings (canonical JSON: sorted keys, no spaces) and big-endian integers.</summary>
    private static byte[] Message()
    {
        var bytes = new List<byte>(new byte[32]);
        void Text(string s) { var b = Encoding.UTF8.GetBytes(s); bytes.AddRange([(byte)(b.Length >> 24), (byte)(b.Length >> 16), (byte)(b.Length >> 8), (byte)b.Length]); bytes.AddRange(b); }
        void Int(long v) { for (var i = 7; i >= 0; i--) bytes.Add((byte)(v >> (8 * i))); }
        Text("th_1");
        Int(1);
        Text("user_input");
        Text("{\"text\":\"hi\"}");
        Text("{\"id\":\"web:alice\",\"kind\":\"user\"}");
        Int(1772442000L * 1_000_000);
        return [.. bytes];
    }

    [Fact]
    public void Unkeyed_IsSha256OfTheMessage_KeyedIsHmacSha256UnderTheKey_MarkedAsSuch()
    {
        const string data = """{"text":"hi"}""";
        const string actor = """{"kind":"user","id":"web:alice"}""";
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Message())), AuditHash.Compute(null, "th_1", 1, "user_input", data, actor, At));
        Assert.Equal("hmac:" + Convert.ToHexStringLower(HMACSHA256.HashData(Key, Message())), AuditHash.Compute(null, "th_1", 1, "user_input", data, actor, At, Key));
    }

    [Fact]
    public void Verifier_WithoutTheKey_ReportsKeyedSealsAsUnverifiable_AndWithItAcceptsThem()
    {
        var seal = AuditHash.Compute(null, "th_1", 1, "user_input", "{}", "{}", At, Key);
        var row = new AuditRow("th_1", 1, "user_input", "{}", "{}", At, null, seal);
        var versions = new Dictionary<string, long> { ["th_1"] = 1 };

        var without = new ChainVerifier(versions);
        without.Add(row);
        Assert.Equal("unverifiable", Assert.Single(without.Finish().Findings).Problem);

        var with = new ChainVerifier(versions, Key);
        with.Add(row);
        Assert.True(with.Finish().Ok);
    }

    [Fact]
    public void Verifier_ReportsAThreadWithoutSeals_WrittenAfterSealingBegan_NotOneFromBefore()
    {
        var sealed1 = new AuditRow("th_b", 1, "user_input", "{}", "{}", At, null, AuditHash.Compute(null, "th_b", 1, "user_input", "{}", "{}", At));
        var verifier = new ChainVerifier(new Dictionary<string, long>());
        verifier.Add(new AuditRow("th_a", 1, "user_input", "{}", "{}", At.AddDays(-1), null, null));
        verifier.Add(sealed1);
        verifier.Add(new AuditRow("th_c", 1, "user_input", "{}", "{}", At.AddMinutes(1), null, null));
        var finding = Assert.Single(verifier.Finish().Findings);
        Assert.Equal(("th_c", "unsealed"), (finding.ThreadId, finding.Problem));
    }
}
