using Cronos;

namespace ChatAgent.Core.Agents;

/// <summary>
/// Checks a 5-field cron schedule (minute hour day-of-month month day-of-week) with Cronos, the parser Hangfire runs
/// the schedule with: an agent loads exactly when its schedule will run, with the same meaning (<c>7</c> and <c>SUN</c>
/// are Sunday, names like <c>MON-FRI</c>, and <c>L</c>, <c>W</c>, <c>#</c>, <c>?</c> are accepted). Seconds are not:
/// a cron trigger fires at most once a minute.
/// </summary>
public static class CronExpressionValidator
{
    /// <summary>Null when valid, else what is wrong (the loader prefixes the file and line).</summary>
    public static string? Validate(string expression)
    {
        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        if (fields != 5) return $"cron '{expression}' must have 5 fields (minute hour day-of-month month day-of-week), not {fields}";
        try
        {
            CronExpression.Parse(expression, CronFormat.Standard);
            return null;
        }
        catch (CronFormatException e)
        {
            // Cronos says which field and what it allows after a generic first sentence.
            const string generic = "The given cron expression has an invalid format. ";
            return $"cron '{expression}' is invalid: {(e.Message.StartsWith(generic, StringComparison.Ordinal) ? e.Message[generic.Length..] : e.Message)}";
        }
    }
}
