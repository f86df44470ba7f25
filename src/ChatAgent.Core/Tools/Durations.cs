using System.Globalization;
using System.Text.RegularExpressions;

namespace ChatAgent.Core.Tools;

/// <summary>Durations as people write them in agent files, commands and requests: <c>500ms</c>, <c>30s</c>, <c>15m</c>, <c>1h</c>, <c>2d</c>.</summary>
public static partial class Durations
{
    /// <summary>A positive duration, or null when <paramref name="text"/> is not one.</summary>
    public static TimeSpan? Parse(string? text)
    {
        var m = DurationRegex().Match(text?.Trim() ?? "");
        if (!m.Success || !long.TryParse(m.Groups["n"].Value, CultureInfo.InvariantCulture, out var n) || n <= 0) return null;
        return m.Groups["unit"].Value switch
        {
            "ms" => TimeSpan.FromMilliseconds(n),
            "s" => TimeSpan.FromSeconds(n),
            "m" => TimeSpan.FromMinutes(n),
            "h" => TimeSpan.FromHours(n),
            _ => TimeSpan.FromDays(n),
        };
    }

    /// <summary>The shortest exact form: <c>1 h</c>, <c>90 min</c>, <c>2 d</c>, <c>45 s</c>.</summary>
    public static string Describe(TimeSpan d) =>
        d.Ticks % TimeSpan.TicksPerDay == 0 ? $"{d.Ticks / TimeSpan.TicksPerDay} d"
        : d.Ticks % TimeSpan.TicksPerHour == 0 ? $"{d.Ticks / TimeSpan.TicksPerHour} h"
        : d.Ticks % TimeSpan.TicksPerMinute == 0 ? $"{d.Ticks / TimeSpan.TicksPerMinute} min"
        : $"{d.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s";

    /// <summary>The shortest form <see cref="Parse"/> reads back: <c>1h</c>, <c>90m</c>, <c>2d</c>, <c>45s</c>, <c>500ms</c>.</summary>
    public static string Format(TimeSpan d) =>
        d.Ticks % TimeSpan.TicksPerDay == 0 ? $"{d.Ticks / TimeSpan.TicksPerDay}d"
        : d.Ticks % TimeSpan.TicksPerHour == 0 ? $"{d.Ticks / TimeSpan.TicksPerHour}h"
        : d.Ticks % TimeSpan.TicksPerMinute == 0 ? $"{d.Ticks / TimeSpan.TicksPerMinute}m"
        : d.Ticks % TimeSpan.TicksPerSecond == 0 ? $"{d.Ticks / TimeSpan.TicksPerSecond}s"
        : $"{(long)Math.Ceiling(d.TotalMilliseconds)}ms";

    [GeneratedRegex(@"^(?<n>\d+)(?<unit>ms|s|m|h|d)$")]
    private static partial Regex DurationRegex();
}
