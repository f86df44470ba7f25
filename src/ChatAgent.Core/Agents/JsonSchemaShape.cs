using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ChatAgent.Core.Agents;

/// <summary>
/// The structural checks NJsonSchema's lenient reader skips: known <c>type</c> names, <c>properties</c> as a mapping,
/// <c>required</c> and <c>enum</c> as lists, patterns that compile. Catches typos such as <c>type: strnig</c> at load.
/// </summary>
internal static class JsonSchemaShape
{
    private static readonly HashSet<string> Types = ["string", "number", "integer", "boolean", "object", "array", "null"];

    public static string? FindProblem(JsonNode? schema, string path = "parameters")
    {
        if (schema is not JsonObject obj) return $"{path} must be a mapping";
        foreach (var (key, value) in obj)
        {
            var problem = key switch
            {
                "type" => CheckType(value, path),
                "properties" or "definitions" or "$defs" => value is JsonObject props
                    ? props.Select(p => FindProblem(p.Value, $"{path}.{p.Key}")).FirstOrDefault(p => p is not null)
                    : $"{path}.{key} must be a mapping",
                "items" or "additionalProperties" or "not" => value is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False
                    ? null
                    : FindProblem(value, $"{path}.{key}"),
                "anyOf" or "oneOf" or "allOf" => value is JsonArray all
                    ? all.Select((s, i) => FindProblem(s, $"{path}.{key}[{i}]")).FirstOrDefault(p => p is not null)
                    : $"{path}.{key} must be a list",
                "required" => value is JsonArray req && req.All(r => r?.GetValueKind() == JsonValueKind.String)
                    ? null
                    : $"{path}.required must be a list of property names",
                "enum" => value is JsonArray ? null : $"{path}.enum must be a list",
                "pattern" => CheckPattern(value, path),
                _ => null,
            };
            if (problem is not null) return problem;
        }
        return null;
    }

    private static string? CheckType(JsonNode? value, string path)
    {
        var names = value is JsonArray list ? list.Select(v => v?.ToString()) : [value?.ToString()];
        var bad = names.FirstOrDefault(n => n is null || !Types.Contains(n));
        return value is null || bad is not null || (value is JsonArray && !names.Any())
            ? $"{path}.type '{bad ?? value?.ToJsonString()}' is not one of {string.Join(", ", Types)}"
            : null;
    }

    private static string? CheckPattern(JsonNode? value, string path)
    {
        if (value?.GetValueKind() != JsonValueKind.String) return $"{path}.pattern must be a text";
        try
        {
            _ = new Regex(value.GetValue<string>());
            return null;
        }
        catch (ArgumentException ex)
        {
            return $"{path}.pattern is not a valid regular expression: {ex.Message}";
        }
    }
}
