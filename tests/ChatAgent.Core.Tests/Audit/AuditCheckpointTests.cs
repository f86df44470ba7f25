using System.Text;
using ChatAgent.Core.Audit;

namespace ChatAgent.Core.Tests.Audit;

/// <summary>The checkpoint MAC against known answers (HMAC-SHA256 computed outside .NET over the documented text).</summary>
public sealed class AuditCheckpointTests
{
    private static readonly byte[] Key = Encoding.UTF8.GetBytes(new string('k', 32));
    private static readonly DateTimeOffset At = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero).AddTicks(1_234_567);

    [Fact]
    public void Create_SignsTheHeadsOrderedByThread_AsTheKnownAnswer()
    {
        var checkpoint = AuditCheckpoint.Create(1, At, [new("th_b", 1, "hmac:bb"), new("th_a", 3, "hmac:aa")], null, Key);

        Assert.Equal("hmac:9e0738e104177e14662d7040c02a718208fa5f7ac1edf47e83f2e4bfb7f8a54e", checkpoint.Mac);
        Assert.Equal(["th_a", "th_b"], checkpoint.Threads.Select(t => t.ThreadId));
        Assert.True(checkpoint.IsAuthentic(Key));
    }

    [Fact]
    public void Create_ChainsThePreviousMac_AsTheKnownAnswer()
    {
        var checkpoint = AuditCheckpoint.Create(2, At, [new("th_a", 4, "hmac:cc")], "hmac:prev", Key);

        Assert.Equal("hmac:35ae15b991a74fd3f35835632d18b4996ff02a4b08c833274c497e51b5d6dbd2", checkpoint.Mac);
    }

    [Fact]
    public void IsAuthentic_IsFalse_WhenAHeadIsDropped_OrTheKeyDiffers()
    {
        var checkpoint = AuditCheckpoint.Create(1, At, [new("th_a", 3, "hmac:aa"), new("th_b", 1, "hmac:bb")], null, Key);

        Assert.False((checkpoint with { Threads = [checkpoint.Threads[0]] }).IsAuthentic(Key));
        Assert.False((checkpoint with { PreviousMac = "hmac:other" }).IsAuthentic(Key));
        Assert.False(checkpoint.IsAuthentic(Encoding.UTF8.GetBytes(new string('j', 32))));
    }
}
