namespace ChatAgent.LoadDriver;

/// <summary>Percentiles (nearest rank) over a sample.</summary>
public sealed class Stats
{
    private readonly double[] _sorted;

    public Stats(IEnumerable<double> values)
    {
        _sorted = values.ToArray();
        Array.Sort(_sorted);
    }

    public int Count => _sorted.Length;

    /// <summary>The sample, sorted.</summary>
    public IReadOnlyList<double> Values => _sorted;

    public double P(double p) => _sorted.Length == 0 ? double.NaN : _sorted[Math.Clamp((int)Math.Ceiling(p * _sorted.Length) - 1, 0, _sorted.Length - 1)];

    public double P50 => P(0.50);

    public double P95 => P(0.95);

    public double P99 => P(0.99);

    public double Max => _sorted.Length == 0 ? double.NaN : _sorted[^1];

    public double Mean => _sorted.Length == 0 ? double.NaN : _sorted.Average();

    public int Over(double limit) => _sorted.Count(v => v > limit);

    public object Summary() => new { n = Count, p50 = Round(P50), p95 = Round(P95), p99 = Round(P99), max = Round(Max), mean = Round(Mean) };

    private static double Round(double v) => double.IsNaN(v) ? v : Math.Round(v, 2);
}
