using System.Text;
using System.Text.Json;
using ChatAgent.Core.Audit;

namespace ChatAgent.Core.Tests.Audit;

/// <summary>
/// Known answers for the audit chain: the expected hashes are literal, computed outside .NET with Python's hashlib
/// from the documented layout (<c>sha256(prev || len·thread || seq || len·type || len·data || len·actor || at_µs)</c>,
/// 4-byte big-endian lengths, 8-byte big-endian integers), never with the code under test.
/// </summary>
public sealed class AuditHashTests
{
    private static readonly DateTimeOffset At = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1_234_560); // .123456 s

    private static readonly byte[] Key = Encoding.UTF8.GetBytes("audit-key-0123456789abcdef0123456789abcdef");

    private const string First = "7340f0112c7ff21088c296b905a055cb9d043779aa6f91cd1d645c02bc5dcbed";

    [Fact]
    public void FirstEvent_ChainsFromThirtyTwoZeroBytes_WithCanonicalDataAndActor() =>
        // data canonical: {"agent":"deploy","input":"api to production","n":100}; actor: {"id":"web:alice","kind":"user"};
        // at: 1767323045123456 µs.
        Assert.Equal(First, AuditHash.Compute(null, "th-kat", 1, "thread_started",
            """{"n":1e2,"input":"api to production","agent":"deploy"}""", """{"kind":"user","id":"web:alice"}""", At));

    [Fact]
    public void NextEvent_ChainsFromThePreviousHash_AtTheMicrosecond() =>
        // prev = First; data canonical: {"key":"status","text":"d\u00E9j\u00E0 vu"}; actor {"kind":"system"};
        // at: 1767323045123457 µs (the extra 0.7 µs is below PostgreSQL's precision and dropped).
        Assert.Equal("0c18e0b77e8a61ffa6ea588aaa4978d3699e25850eef88b248d34b7a84c35e0f", AuditHash.Compute(First, "th-kat", 2, "message_queued",
            """{"text":"déjà vu","key":"status"}""", """{"kind":"system"}""", At.AddTicks(17)));

    /// <summary>Each seal is built in a buffer kept per thread: a huge event, or one that fails, leaves nothing behind.</summary>
    [Fact]
    public void ASealAfterAHugeEventOrAFailedOne_IsStillTheKnownAnswer()
    {
        var huge = "{\"text\":\"" + new string('x', 200_000) + "\"}";
        Assert.Equal(64, AuditHash.Compute(First, "th-kat", 2, "tool_result", huge, "{}", At).Length);
        Assert.ThrowsAny<JsonException>(() => AuditHash.Compute(First, "th-kat", 2, "tool_result", "{\"text\":", "{}", At));
        Assert.Throws<FormatException>(() => AuditHash.Compute("not-hex", "th-kat", 2, "tool_result", "{}", "{}", At));
        Assert.Equal(First, AuditHash.Compute(null, "th-kat", 1, "thread_started",
            """{"n":1e2,"input":"api to production","agent":"deploy"}""", """{"kind":"user","id":"web:alice"}""", At));
    }

    [Theory]
    [InlineData("th-kat2", 1, "thread_started")]
    [InlineData("th-kat", 2, "thread_started")]
    [InlineData("th-kat", 1, "thread_starte")]
    public void AnyChangedField_ChangesTheHash(string thread, long seq, string type) =>
        Assert.NotEqual(First, AuditHash.Compute(null, thread, seq, type,
            """{"n":1e2,"input":"api to production","agent":"deploy"}""", """{"kind":"user","id":"web:alice"}""", At));

    [Fact]
    public void Truncate_DropsTicksBelowAMicrosecond() =>
        Assert.Equal(At, AuditHash.Truncate(At.AddTicks(9)));

    /// <summary>The keyed chain (<c>Audit:Key</c>): HMAC-SHA256 of the same message under the key, marked <c>hmac:</c>;
    /// the literal was computed with Python's hmac module.</summary>
    [Fact]
    public void FirstEvent_WithAKey_IsTheHmacOfTheSameMessage_MarkedAsSuch() =>
        Assert.Equal("hmac:27f26d03fca5a615394a89e5a23bf2ad5de44041c984df8c4648a6333c534025", AuditHash.Compute(null, "th-kat", 1, "thread_started",
            """{"n":1e2,"input":"api to production","agent":"deploy"}""", """{"kind":"user","id":"web:alice"}""", At, Key));

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
