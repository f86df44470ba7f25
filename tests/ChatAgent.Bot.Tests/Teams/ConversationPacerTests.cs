using ChatAgent.Bot.Teams.Connector;
using Microsoft.Extensions.Time.Testing;

namespace ChatAgent.Bot.Tests.Teams;

/// <summary>
/// Teams' limits per conversation (7 sends a second, 60 in 30 seconds) are paced, not hit; a typing indicator
/// only takes a slot that is free now and never one a message waits for.
/// </summary>
public sealed class ConversationPacerTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void SevenSendsInASecondGoAtOnce_TheEighthWaitsForTheNextSecond()
    {
        var pacer = new ConversationPacer(_time);
        var sends = Enumerable.Range(0, 8).Select(_ => pacer.WaitAsync("a:1", CancellationToken.None)).ToList();
        Assert.All(sends.Take(7), s => Assert.True(s.IsCompleted));
        Assert.False(sends[7].IsCompleted);
        Assert.True(pacer.WaitAsync("a:other", CancellationToken.None).IsCompleted, "another conversation has its own budget");

        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(sends[7].IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(sends[7].IsCompleted);
    }

    [Fact]
    public void SixtySendsInThirtySeconds_TheSixtyFirstWaitsUntilTheFirstIsThirtySecondsOld()
    {
        var pacer = new ConversationPacer(_time);
        for (var second = 0; second < 10; second++)
        {
            for (var i = 0; i < 6; i++) Assert.True(pacer.WaitAsync("a:1", CancellationToken.None).IsCompleted);
            _time.Advance(TimeSpan.FromSeconds(1));
        }
        // 60 sent between 09:00:00 and 09:00:09; now 09:00:10.
        var sixtyFirst = pacer.WaitAsync("a:1", CancellationToken.None);
        Assert.False(sixtyFirst.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(19.999));
        Assert.False(sixtyFirst.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(sixtyFirst.IsCompleted);
    }

    [Fact]
    public void Typing_TakesAFreeSlot_ButNeverOneAMessageWaitsFor()
    {
        var pacer = new ConversationPacer(_time);
        Assert.True(pacer.TryTakeNow("a:1"));
        for (var i = 0; i < 6; i++) Assert.True(pacer.WaitAsync("a:1", CancellationToken.None).IsCompleted);
        Assert.False(pacer.TryTakeNow("a:1"), "the second is full");

        var waiting = pacer.WaitAsync("a:1", CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(waiting.IsCompleted);
        // The message's slot was 09:00:01, now; six more fit in this second, and typing takes one of them.
        Assert.True(pacer.TryTakeNow("a:1"));

        var pacer2 = new ConversationPacer(_time);
        for (var i = 0; i < 8; i++) _ = pacer2.WaitAsync("a:2", CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.False(pacer2.TryTakeNow("a:2"), "a message waits for 09:00:02");
    }
}
