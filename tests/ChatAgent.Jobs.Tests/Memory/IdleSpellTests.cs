namespace ChatAgent.Jobs.Tests.Memory;

/// <summary>
/// When the process gives back what a burst of work left in its heaps (<see cref="IdleMemoryTrim"/>): once per quiet
/// spell after some work, never while work runs, never on a process that did nothing.
/// </summary>
public sealed class IdleSpellTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan After = TimeSpan.FromSeconds(3);

    private static DateTimeOffset At(double seconds) => T0.AddSeconds(seconds);

    [Fact]
    public void AProcessThatDidNoWork_IsNeverTrimmed()
    {
        var spell = new IdleSpell(After);

        Assert.All(Enumerable.Range(0, 100), i => Assert.False(spell.Observe(0, 0, At(i))));
    }

    [Fact]
    public void AfterWork_TheQuietSpellTrimsOnce_WhenItHasLastedLongEnough()
    {
        var spell = new IdleSpell(After);
        Assert.False(spell.Observe(2, 0, At(0)));  // two runs in progress
        Assert.False(spell.Observe(0, 2, At(1)));  // both ended: the quiet starts here
        Assert.False(spell.Observe(0, 2, At(3.9)));

        Assert.True(spell.Observe(0, 2, At(4)));
        Assert.False(spell.Observe(0, 2, At(8)));   // the same quiet spell: once
        Assert.False(spell.Observe(0, 2, At(600)));
    }

    [Fact]
    public void WorkInProgress_OrJustEnded_PutsTheTrimOff()
    {
        var spell = new IdleSpell(After);
        Assert.False(spell.Observe(0, 1, At(0)));
        Assert.False(spell.Observe(1, 1, At(2.5)));  // a new run started before the quiet was long enough
        Assert.False(spell.Observe(1, 1, At(10)));   // still running: never during work
        Assert.False(spell.Observe(0, 2, At(11)));   // it ended: a new quiet spell
        Assert.False(spell.Observe(0, 3, At(13)));   // a delivery ended meanwhile
        Assert.False(spell.Observe(0, 3, At(15.9)));

        Assert.True(spell.Observe(0, 3, At(16)));
        Assert.False(spell.Observe(0, 4, At(17)));   // more work: the next spell may trim again
        Assert.True(spell.Observe(0, 4, At(20)));
    }
}
