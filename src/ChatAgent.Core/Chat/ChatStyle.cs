namespace ChatAgent.Core.Chat;

/// <summary>
/// How a surface writes the sentences of <see cref="ChatTexts"/>: the words in front of a command (<c>/agent </c> in a
/// Slack slash command, nothing in Teams), code and emphasis marks, escaping of text people typed, list bullets, line
/// breaks and dates. The words are the same everywhere; only these marks differ.
/// </summary>
public sealed record ChatStyle
{
    /// <summary>No marks at all, dates as <c>2026-11-25 10:00 UTC</c>: the web chat's and Teams' plain text.</summary>
    public static ChatStyle Plain { get; } = new();

    public string CommandPrefix { get; init; } = "";
    public string Bullet { get; init; } = "• ";
    public string LineBreak { get; init; } = "\n";
    public Func<string, string> Code { get; init; } = s => s;
    public Func<string, string> Strong { get; init; } = s => s;

    /// <summary>Escapes text that came from people or configuration (descriptions, questions, words typed).</summary>
    public Func<string, string> Escape { get; init; } = s => s;
    public Func<DateTimeOffset, string> Date { get; init; } = d => d.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Whether agents' own slash words (<c>/deploy</c>) mean anything here (Slack only).</summary>
    public bool ShowsSlashWords { get; init; }

    /// <summary>A command as the person types it here: <c>`/agent status th_1`</c> in Slack, <c>status th_1</c> in Teams.</summary>
    public string Command(string words) => Code(CommandPrefix + words);
}
