using ChatAgent.Core.Reliability;

namespace ChatAgent.Core.Tests.Reliability;

/// <summary>
/// The chapter's arithmetic. Assumptions, stated once: steps are independent and each succeeds with the same
/// probability (95%); every step's outcome is verified, so a failure is detected rather than passed on; a retry is an
/// independent new trial of the same work.
/// </summary>
public sealed class ReliabilityMathTests
{
    [Theory]
    [InlineData(5, 77)]
    [InlineData(10, 60)]
    [InlineData(20, 36)]
    [InlineData(30, 21)]
    public void ChaptersTable_95PercentPerAction_CompoundsToTheOverallSuccess(int actions, int overallPercent) =>
        Assert.Equal(overallPercent, (int)Math.Round(100 * ReliabilityMath.EndToEnd(0.95, actions)));

    [Fact]
    public void Exercise3_TheMonolithicCampaign_Is28Percent_AndRetryingItWholeStaysBelow80()
    {
        Assert.Equal(28, (int)Math.Round(100 * ReliabilityMath.EndToEnd(0.95, 25)));
        // Re-running all 25 steps up to 3 times still leaves a ~38% chance of failure.
        Assert.InRange(ReliabilityMath.WithRetries(ReliabilityMath.EndToEnd(0.95, 25), 3), 0.62, 0.63);
    }

    /// <summary>
    /// Exercise 3's claim. Decomposition alone changes nothing: 0.95^7 · 0.95^6 · 0.95^8 · 0.95^4 is still 0.95^25. What
    /// lifts it above 80% is that each small agent's result is verified and the agent alone is re-run (up to 3 attempts,
    /// as our workflows can re-launch a failed step) — or, inside agents, that each verified step is retried (the loop
    /// retries a failed step until 3 errors in a row).
    /// </summary>
    [Fact]
    public void Exercise3_FourVerifiedAgentsOfAtMost10Steps_RetriedAlone_ExceedEightyPercent()
    {
        int[] split = [7, 6, 8, 4]; // audience, content, delivery, report: 25 steps
        Assert.Equal(25, split.Sum());
        Assert.All(split, n => Assert.InRange(n, 1, 10));

        Assert.Equal(ReliabilityMath.EndToEnd(0.95, 25), ReliabilityMath.Decomposed(0.95, split, attempts: 1), 12);
        var decomposed = ReliabilityMath.Decomposed(0.95, split, attempts: 3);
        Assert.InRange(decomposed, 0.91, 0.92);

        // Step-level: 3 attempts per verified step gives 1 - 0.05^3 per step; over 25 steps ≈ 99.7%.
        Assert.InRange(ReliabilityMath.EndToEnd(ReliabilityMath.WithRetries(0.95, 3), 25), 0.996, 0.998);
    }
}
