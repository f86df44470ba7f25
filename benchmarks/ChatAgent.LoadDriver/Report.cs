using System.Globalization;
using System.Text;

namespace ChatAgent.LoadDriver;

/// <summary>
/// One measured figure: what, the value, the issue's target, and the nearest limit measured in the same run
/// (the ratio is value / limit). <see cref="Met"/> is null when there is no target.
/// </summary>
public sealed record Row(string Area, string Metric, double Value, string Unit, string? Target = null, bool? Met = null,
    string? LimitName = null, double? Limit = null)
{
    public double? Ratio => Limit is > 0 ? Value / Limit : null;
}

public sealed class Report
{
    private readonly List<Row> _rows = [];

    public Dictionary<string, object?> Details { get; } = [];

    public IReadOnlyList<Row> Rows => _rows;

    public void Add(Row row)
    {
        _rows.Add(row);
        Console.WriteLine($"  {row.Area} | {row.Metric}: {Format(row.Value, row.Unit)}" + (row.Target is null ? "" : $" (target {row.Target}: {(row.Met == true ? "met" : "MISSED")})")
            + (row.Limit is null ? "" : $"; nearest limit {Format(row.Limit.Value, row.Unit)} ({row.LimitName}), ratio {row.Ratio:F2}"));
    }

    public string Markdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine("| area | metric | measured | target | met | nearest limit (same run) | ratio |");
        sb.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var r in _rows)
        {
            var limit = r.Limit is null ? "" : $"{Format(r.Limit.Value, r.Unit)} — {r.LimitName}";
            var ratio = r.Ratio is { } x ? x.ToString("F2", CultureInfo.InvariantCulture) + "×" : "";
            var met = r.Met switch { true => "yes", false => "**no**", null => "" };
            sb.AppendLine($"| {r.Area} | {r.Metric} | {Format(r.Value, r.Unit)} | {r.Target} | {met} | {limit} | {ratio} |");
        }
        return sb.ToString();
    }

    public static string Format(double value, string unit)
    {
        if (double.IsNaN(value)) return "n/a";
        var digits = Math.Abs(value) >= 100 ? "N0" : Math.Abs(value) >= 10 ? "N1" : "N2";
        return value.ToString(digits, CultureInfo.InvariantCulture) + (unit.Length == 0 ? "" : " " + unit);
    }
}
