using System.Globalization;

namespace ChatAgent.Core.Agents;

/// <summary>
/// A strict check of 5-field cron (minute hour day-of-month month day-of-week): each field is <c>*</c>, a number,
/// a range <c>a-b</c>, a list <c>a,b</c>, with an optional step <c>/n</c>; names (MON, JAN) and the Quartz
/// extensions (L, W, #, ?) are refused. Running the schedule is the host's job (Cronos); this only keeps
/// a broken schedule from loading.
/// </summary>
public static class CronExpressionValidator
{
    private static readonly (string Name, int Min, int Max)[] Fields =
        [("minute", 0, 59), ("hour", 0, 23), ("day of month", 1, 31), ("month", 1, 12), ("day of week", 0, 6)];

    /// <summary>Null when valid, else what is wrong.</summary>
    public static string? Validate(string expression)
    {
        var parts = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 5) return $"cron '{expression}' must have 5 fields (minute hour day-of-month month day-of-week), not {parts.Length}";
        for (var i = 0; i < 5; i++)
        {
            var (name, min, max) = Fields[i];
            foreach (var item in parts[i].Split(','))
            {
                if (!ValidItem(item, min, max))
                    return $"cron '{expression}': {name} field '{parts[i]}' is invalid (allowed: *, {min}-{max}, ranges a-b, lists a,b, steps /n)";
            }
        }
        return null;
    }

    private static bool ValidItem(string item, int min, int max)
    {
        var slash = item.Split('/');
        if (slash.Length > 2) return false;
        if (slash.Length == 2 && !(TryNumber(slash[1], out var step) && step >= 1 && step <= max)) return false;
        var range = slash[0];
        if (range == "*") return true;
        var bounds = range.Split('-');
        if (bounds.Length == 1) return TryNumber(bounds[0], out var n) && n >= min && n <= max;
        return bounds.Length == 2
            && TryNumber(bounds[0], out var from) && TryNumber(bounds[1], out var to)
            && from >= min && to <= max && from <= to;
    }

    private static bool TryNumber(string text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
