namespace ChatAgent.Core.Reliability;

/// <summary>
/// The chapter's arithmetic. Assumes independent steps, each succeeding with the same probability; a retry is an
/// independent new trial, and a failure is always detected (every step is verified) so it can be retried.
/// </summary>
public static class ReliabilityMath
{
    /// <summary>Chained steps without retries: <c>p^n</c> (0.95^10 ≈ 60%).</summary>
    public static double EndToEnd(double stepSuccess, int steps) => Math.Pow(stepSuccess, steps);

    /// <summary>Something that succeeds with <paramref name="success"/>, tried up to <paramref name="attempts"/> times: <c>1 - (1-s)^a</c>.</summary>
    public static double WithRetries(double success, int attempts) => 1 - Math.Pow(1 - success, attempts);

    /// <summary>
    /// A workflow of agents run one after the other, agent i having <c>n_i</c> steps and being re-run (verified, from its
    /// own start) up to <paramref name="attempts"/> times: <c>Π (1 - (1 - p^n_i)^attempts)</c>.
    /// </summary>
    public static double Decomposed(double stepSuccess, IEnumerable<int> stepsPerAgent, int attempts) =>
        stepsPerAgent.Aggregate(1.0, (acc, n) => acc * WithRetries(EndToEnd(stepSuccess, n), attempts));
}
