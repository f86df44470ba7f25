using System.Collections.Immutable;
using System.Text;
using System.Text.RegularExpressions;

namespace ChatAgent.Core.Agents;

/// <summary>
/// An agent's argument grammar, e.g. <c>{service} to {env=staging}</c> for <c>/deploy api to production</c>.
/// Words are literals (case-insensitive); <c>{name}</c> takes one word, the last placeholder takes the rest
/// of the line; <c>{name=default}</c> is optional together with the literal words before it, when every
/// placeholder after it is optional too.
/// </summary>
public sealed partial class CommandGrammar
{
    private readonly Regex _regex;
    private readonly ImmutableArray<(string Name, string? Default)> _placeholders;

    public CommandGrammar(string pattern)
    {
        Pattern = pattern.Trim();
        var tokens = Pattern.Length == 0 ? [] : Pattern.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var parsed = tokens.Select(ParseToken).ToList();
        _placeholders = [.. parsed.Where(t => t.Name is not null).Select(t => (t.Name!, t.Default))];
        if (_placeholders.Select(p => p.Name).Distinct(StringComparer.Ordinal).Count() != _placeholders.Length)
            throw new FormatException($"command grammar '{Pattern}' uses a placeholder name twice");
        _regex = BuildRegex(parsed);
    }

    public static CommandGrammar FreeText { get; } = new("{text}");

    public string Pattern { get; }

    public IReadOnlyList<string> Names => [.. _placeholders.Select(p => p.Name)];

    /// <summary>The usage line for people: <c>deploy &lt;service&gt; [to &lt;env=staging&gt;]</c>.</summary>
    public string Usage(string commandWord)
    {
        var text = Pattern;
        foreach (var (name, def) in _placeholders)
            text = text.Replace("{" + name + (def is null ? "" : "=" + def) + "}", def is null ? $"<{name}>" : $"[{name}={def}]");
        return (commandWord + " " + text).Trim();
    }

    /// <summary>Parses the arguments; false when they don't fit the grammar.</summary>
    public bool TryParse(string input, out IReadOnlyDictionary<string, string> arguments)
    {
        var match = _regex.Match(input.Trim());
        if (!match.Success)
        {
            arguments = ImmutableDictionary<string, string>.Empty;
            return false;
        }
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, def) in _placeholders)
        {
            var group = match.Groups[name];
            var value = group.Success ? group.Value.Trim() : def;
            if (value is not null) result[name] = value;
        }
        arguments = result;
        return true;
    }

    private static (string? Name, string? Default, string? Literal) ParseToken(string token)
    {
        var m = PlaceholderRegex().Match(token);
        if (!m.Success)
        {
            if (token.Contains('{') || token.Contains('}')) throw new FormatException($"'{token}' is not a valid placeholder; write {{name}} or {{name=default}}");
            return (null, null, token);
        }
        return (m.Groups["name"].Value, m.Groups["def"].Success ? m.Groups["def"].Value : null, null);
    }

    private static Regex BuildRegex(List<(string? Name, string? Default, string? Literal)> tokens)
    {
        var lastPlaceholder = tokens.FindLastIndex(t => t.Name is not null);
        // The optional tail starts at the earliest literal/placeholder run after which every placeholder has a default.
        var optionalFrom = tokens.Count;
        for (var i = tokens.Count - 1; i >= 0; i--)
        {
            if (tokens[i].Name is not null && tokens[i].Default is null) break;
            if (tokens[i].Name is not null) optionalFrom = i;
        }
        while (optionalFrom > 0 && optionalFrom < tokens.Count && tokens[optionalFrom - 1].Literal is not null) optionalFrom--;

        var sb = new StringBuilder("^");
        var openGroups = 0;
        for (var i = 0; i < tokens.Count; i++)
        {
            var (name, _, literal) = tokens[i];
            var sep = i == 0 ? "" : @"\s+";
            var startsChunk = i >= optionalFrom && (i == optionalFrom || (tokens[i - 1].Name is not null));
            if (startsChunk)
            {
                sb.Append("(?:");
                openGroups++;
            }
            sb.Append(sep);
            sb.Append(literal is not null ? Regex.Escape(literal) : i == lastPlaceholder ? $"(?<{name}>.+?)" : $"(?<{name}>\\S+)");
        }
        sb.Append(new string(')', 0));
        for (var g = 0; g < openGroups; g++) sb.Append(")?");
        sb.Append(@"\s*$");
        // Non-backtracking: the pattern runs on whatever people type, in time linear in its length.
        return new Regex(sb.ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline | RegexOptions.NonBacktracking);
    }

    [GeneratedRegex(@"^\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(=(?<def>[^}]*))?\}$")]
    private static partial Regex PlaceholderRegex();
}
