using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ChatAgent.Core.Agents;

/// <summary>Small helpers over YamlDotNet's representation model that report problems instead of throwing.</summary>
internal static partial class YamlNodes
{
    /// <summary>Parses one YAML document; null (with a problem) on a syntax error or an empty file.</summary>
    public static YamlMappingNode? ParseMapping(string path, string displayName, ConfigProblems problems)
    {
        using var reader = new StringReader(File.ReadAllText(path));
        var parser = new Parser(reader);
        try
        {
            var stream = new YamlStream();
            stream.Load(parser);
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            {
                problems.Add(displayName, stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode, "expected a mapping of keys at the top level");
                return null;
            }
            return root;
        }
        catch (YamlException e)
        {
            problems.Add(displayName, e.Start, "YAML syntax error: " + (e.InnerException?.Message ?? e.Message));
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet throws this (not a YamlException) for some unterminated flow collections at end of file.
            problems.Add(displayName, parser.Current?.Start, "YAML syntax error: unexpected end of file (an unclosed [ or { ?)");
            return null;
        }
    }

    /// <summary>Reports every key not in <paramref name="allowed"/> (typo protection) and returns the entries by key.</summary>
    public static Dictionary<string, YamlNode> Entries(YamlMappingNode map, string file, string where, IReadOnlyCollection<string> allowed, ConfigProblems problems)
    {
        var result = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in map.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            if (!allowed.Contains(key))
                problems.Add(file, keyNode, $"unknown key '{key}' in {where}; allowed: {string.Join(", ", allowed)}");
            else
                result[key] = value;
        }
        return result;
    }

    public static string? Scalar(YamlNode? node) => (node as YamlScalarNode)?.Value;

    public static string? String(Dictionary<string, YamlNode> entries, string key, string file, ConfigProblems problems, bool required = false)
    {
        if (!entries.TryGetValue(key, out var node))
        {
            if (required) problems.Add(file, (Mark?)null, $"missing required key '{key}'");
            return null;
        }
        if (node is not YamlScalarNode scalar || string.IsNullOrWhiteSpace(scalar.Value))
        {
            problems.Add(file, node, $"'{key}' must be a non-empty text");
            return null;
        }
        return scalar.Value;
    }

    public static IReadOnlyList<(string Value, YamlNode Node)> StringList(Dictionary<string, YamlNode> entries, string key, string file, ConfigProblems problems)
    {
        if (!entries.TryGetValue(key, out var node)) return [];
        if (node is not YamlSequenceNode seq)
        {
            problems.Add(file, node, $"'{key}' must be a list");
            return [];
        }
        var list = new List<(string, YamlNode)>();
        foreach (var item in seq)
        {
            if (Scalar(item) is { Length: > 0 } value) list.Add((value, item));
            else problems.Add(file, item, $"each item of '{key}' must be a non-empty text");
        }
        return list;
    }

    public static int? Int(Dictionary<string, YamlNode> entries, string key, string file, ConfigProblems problems)
    {
        if (!entries.TryGetValue(key, out var node)) return null;
        if (int.TryParse(Scalar(node), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)) return value;
        problems.Add(file, node, $"'{key}' must be a whole number");
        return null;
    }

    public static bool? Bool(Dictionary<string, YamlNode> entries, string key, string file, ConfigProblems problems)
    {
        if (!entries.TryGetValue(key, out var node)) return null;
        if (bool.TryParse(Scalar(node), out var value)) return value;
        problems.Add(file, node, $"'{key}' must be true or false");
        return null;
    }

    /// <summary>Durations as <c>500ms</c>, <c>30s</c>, <c>15m</c>, <c>1h</c>, <c>2d</c>.</summary>
    public static TimeSpan? Duration(Dictionary<string, YamlNode> entries, string key, string file, ConfigProblems problems)
    {
        if (!entries.TryGetValue(key, out var node)) return null;
        if (Tools.Durations.Parse(Scalar(node)) is { } duration) return duration;
        problems.Add(file, node, $"'{key}' must be a positive duration such as 30s, 15m, 1h or 2d");
        return null;
    }

    /// <summary>A mapping of texts to texts (e.g. <c>when</c>); scalars are taken as written.</summary>
    public static IReadOnlyDictionary<string, string> StringMap(Dictionary<string, YamlNode> entries, string key, string file, ConfigProblems problems)
    {
        if (!entries.TryGetValue(key, out var node)) return new Dictionary<string, string>();
        if (node is not YamlMappingNode map)
        {
            problems.Add(file, node, $"'{key}' must be a mapping");
            return new Dictionary<string, string>();
        }
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in map.Children)
        {
            if (Scalar(k) is { Length: > 0 } name && v is YamlScalarNode value) result[name] = value.Value ?? "";
            else problems.Add(file, k, $"each entry of '{key}' must map a text to a text");
        }
        return result;
    }

    /// <summary>
    /// YAML to JSON: plain scalars become numbers, booleans or null when they read as such; quoted scalars stay
    /// strings. Mapping keys are always strings.
    /// </summary>
    public static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv =>
            KeyValuePair.Create(Scalar(kv.Key) ?? "", ToJson(kv.Value)))),
        YamlSequenceNode seq => new JsonArray([.. seq.Children.Select(ToJson)]),
        YamlScalarNode scalar => ScalarToJson(scalar),
        _ => null,
    };

    private static JsonNode? ScalarToJson(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
            return JsonValue.Create(text);
        if (text is "" or "~" or "null") return null;
        if (text is "true" or "false") return JsonValue.Create(text == "true");
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
        if (NumberRegex().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return JsonValue.Create(d);
        return JsonValue.Create(text);
    }

    [GeneratedRegex(@"^-?\d+(\.\d+)?([eE][+-]?\d+)?$")]
    private static partial Regex NumberRegex();
}
