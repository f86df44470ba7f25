using System.Text.Json;
using ChatAgent.Core.Events;

namespace ChatAgent.Core.Tools;

/// <summary>What differs between two parameter objects, key by key at the top level, compared as canonical JSON.</summary>
public static class ParameterDiff
{
    public static IReadOnlyList<ParameterChange> Between(JsonElement before, JsonElement after)
    {
        var from = Properties(before);
        var to = Properties(after);
        var changes = new List<ParameterChange>();
        foreach (var name in from.Keys.Union(to.Keys).Order(StringComparer.Ordinal))
        {
            JsonElement? a = from.TryGetValue(name, out var x) ? x : null;
            JsonElement? b = to.TryGetValue(name, out var y) ? y : null;
            if (a is { } av && b is { } bv && CanonicalJson.Serialize(av) == CanonicalJson.Serialize(bv)) continue;
            changes.Add(new ParameterChange(name, a, b));
        }
        return changes;
    }

    /// <summary>One change as people read it: <c>version: "1.2.3" → "1.3.0"</c>; "(none)" for an absent side.</summary>
    public static string Describe(ParameterChange change) =>
        $"{change.Name}: {Show(change.From)} → {Show(change.To)}";

    /// <summary>All changes on one line, separated by "; ".</summary>
    public static string Describe(IEnumerable<ParameterChange> changes) => string.Join("; ", changes.Select(Describe));

    private static string Show(JsonElement? value) => value is { } v ? CanonicalJson.Serialize(v) : "(none)";

    private static Dictionary<string, JsonElement> Properties(JsonElement value)
    {
        var map = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (value.ValueKind != JsonValueKind.Object) return map;
        foreach (var p in value.EnumerateObject()) map[p.Name] = p.Value.Clone();
        return map;
    }
}
