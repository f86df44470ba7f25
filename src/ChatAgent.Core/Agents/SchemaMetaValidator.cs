using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NJsonSchema;
using NJsonSchema.Validation;

namespace ChatAgent.Core.Agents;

/// <summary>
/// Checks that a tool's <c>parameters</c> is a JSON Schema at all, by validating it against the JSON Schema draft-07
/// meta-schema with NJsonSchema (whose own reader is lenient: <c>type: strnig</c> would load). Patterns must also
/// compile as .NET regular expressions, since that is what validates the calls.
/// </summary>
internal static class SchemaMetaValidator
{
    private static readonly Lazy<JsonSchema> MetaSchema = new(() =>
    {
        using var stream = typeof(SchemaMetaValidator).Assembly.GetManifestResourceStream("ChatAgent.Core.Agents.Schemas.draft-07.schema.json")
            ?? throw new InvalidOperationException("The JSON Schema meta-schema is not embedded in ChatAgent.Core.");
        using var reader = new StreamReader(stream);
        return JsonSchema.FromJsonAsync(reader.ReadToEnd()).GetAwaiter().GetResult();
    });

    /// <summary>The first problem, as <c>parameters.&lt;path&gt;: &lt;what is wrong&gt;</c>, or null when it is a valid schema.</summary>
    public static string? FindProblem(JsonObject schema)
    {
        var errors = MetaSchema.Value.Validate(schema.ToJsonString());
        if (errors.Count > 0) return Describe(Deepest(errors.First()), schema);
        return Patterns(schema, "parameters").FirstOrDefault();
    }

    /// <summary>An "any of" error holds why each branch failed; the branch that failed deepest names the actual mistake.</summary>
    private static ValidationError Deepest(ValidationError error) =>
        error is ChildSchemaValidationError child && child.Errors.Values.SelectMany(e => e).Select(Deepest).MaxBy(e => e.Path?.Length ?? 0) is { } inner
            && (inner.Path?.Length ?? 0) >= (error.Path?.Length ?? 0)
            ? inner
            : error;

    private static string Describe(ValidationError error, JsonObject schema)
    {
        var path = (error.Path ?? "#").TrimStart('#').TrimStart('/').Replace('/', '.');
        var where = path.Length == 0 ? "parameters" : "parameters." + path;
        return At(schema, path) is { } value ? $"{where} is {Shown(value)}: {Words(error.Kind)}" : $"{where}: {Words(error.Kind)}";
    }

    /// <summary>The value at a dotted path (<c>properties.service.type</c>, <c>anyOf[1].type</c>), to show what was written.</summary>
    private static JsonNode? At(JsonNode? node, string path)
    {
        if (path.Length == 0) return null;
        foreach (var part in path.Split('.'))
        {
            var name = part;
            var index = -1;
            if (part.EndsWith(']') && part.IndexOf('[') is var open and > 0 && int.TryParse(part[(open + 1)..^1], out var i)) (name, index) = (part[..open], i);
            node = node is JsonObject obj && obj.TryGetPropertyValue(name, out var child) ? child : null;
            if (index >= 0) node = node is JsonArray list && index < list.Count ? list[index] : null;
            if (node is null) return null;
        }
        return node;
    }

    private static string Shown(JsonNode value)
    {
        var text = value is JsonValue v && v.TryGetValue<string>(out var s) ? $"'{s}'" : value.ToJsonString();
        return text.Length > 60 ? text[..60] + "…" : text;
    }

    private static string Words(ValidationErrorKind kind) => kind switch
    {
        ValidationErrorKind.NotInEnumeration => "not one of array, boolean, integer, null, number, object, string",
        ValidationErrorKind.NotAnyOf => "not a type name or a list of type names",
        ValidationErrorKind.ArrayExpected => "must be a list",
        ValidationErrorKind.ObjectExpected => "must be a mapping",
        ValidationErrorKind.StringExpected => "must be a text",
        ValidationErrorKind.IntegerExpected => "must be a whole number",
        ValidationErrorKind.NumberExpected => "must be a number",
        ValidationErrorKind.BooleanExpected => "must be true or false",
        ValidationErrorKind.NumberTooSmall => "must not be negative",
        ValidationErrorKind.TooFewItems => "must not be empty",
        ValidationErrorKind.ItemsNotUnique => "must not repeat an entry",
        _ => kind.ToString(),
    };

    private static IEnumerable<string> Patterns(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (key == "pattern" && value is JsonValue v && v.TryGetValue<string>(out var pattern) && Compiles(pattern) is { } problem)
                        yield return $"{path}.pattern is not a valid regular expression: {problem}";
                    foreach (var inner in Patterns(value, $"{path}.{key}")) yield return inner;
                }
                break;
            case JsonArray list:
                for (var i = 0; i < list.Count; i++)
                    foreach (var inner in Patterns(list[i], $"{path}[{i}]")) yield return inner;
                break;
        }
    }

    private static string? Compiles(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            return null;
        }
        catch (ArgumentException ex)
        {
            return ex.Message;
        }
    }
}
