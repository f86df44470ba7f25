using ChatAgent.Core.Threads;

namespace ChatAgent.Core.Tests.Threads;

/// <summary>The status names people type in <c>?status=</c> and see on cards.</summary>
public sealed class ThreadStatusTests
{
    [Theory]
    [InlineData(ThreadStatus.Running, "running")]
    [InlineData(ThreadStatus.AwaitingHuman, "awaiting_human")]
    [InlineData(ThreadStatus.Paused, "paused")]
    [InlineData(ThreadStatus.Completed, "completed")]
    [InlineData(ThreadStatus.Failed, "failed")]
    public void EachStatus_HasItsWireName_AndIsParsedBackInAnyCase(ThreadStatus status, string wire)
    {
        Assert.Equal(wire, status.WireName());
        Assert.True(ThreadStatusExtensions.TryParse(wire.ToUpperInvariant(), out var parsed));
        Assert.Equal(status, parsed);
    }

    [Theory]
    [InlineData("done")]
    [InlineData("")]
    [InlineData(null)]
    public void AnUnknownName_IsNotAStatus(string? text) => Assert.False(ThreadStatusExtensions.TryParse(text, out _));

    [Fact]
    public void OnlyCompletedAndFailed_AreEnded() =>
        Assert.Equal([ThreadStatus.Completed, ThreadStatus.Failed], Enum.GetValues<ThreadStatus>().Where(s => s.IsEnded()));

    [Fact]
    public void AValueOutsideTheEnum_HasNoWireName() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ((ThreadStatus)42).WireName());
}
