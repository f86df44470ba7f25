using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ChatAgent.Core.Agents;

/// <summary>
/// Renders <c>{{placeholders}}</c> in plan parameters, webhook inputs and prompts against a <see cref="TemplateScope"/>.
/// An unknown placeholder throws <see cref="TemplateException"/>: a missing value is an error to report, never a silent "".
/// </summary>
public static partial class TemplateRenderer
{
    /// <summary>Replaces every placeholder with its value's text (strings as is, other JSON as compact JSON).</summary>
    public static string Render(string template, TemplateScope scope) =>
        PlaceholderRegex().Replace(template, m => AsText(Resolve(m.Groups["path"].Value, scope)));

    /// <summary>
    /// Renders every string leaf of <paramref name="template"/> (any JSON value). A string that is exactly one
    /// placeholder takes the value's own JSON type, so <c>"{{results.run_tests.tests}}"</c> stays a number.
    /// </summary>
    public static JsonElement RenderParameters(JsonElement template, TemplateScope scope) =>
        JsonSerializer.SerializeToElement(RenderNode(JsonNode.Parse(template.ValueKind == JsonValueKind.Undefined ? "{}" : template.GetRawText()), scope));

    /// <summary>The placeholder paths used in <paramref name="template"/>, in order, trimmed.</summary>
    public static IReadOnlyList<string> Placeholders(string template) =>
        [.. PlaceholderRegex().Matches(template).Select(m => m.Groups["path"].Value)];

    private static JsonNode? RenderNode(JsonNode? node, TemplateScope scope)
    {
        switch (node)
        {
            case JsonObject obj:
                return new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, RenderNode(p.Value, scope))));
            case JsonArray array:
                return new JsonArray([.. array.Select(item => RenderNode(item, scope))]);
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                var text = value.GetValue<string>();
                var whole = PlaceholderRegex().Match(text);
                if (whole.Success && whole.Length == text.Length)
                    return JsonNode.Parse(Resolve(whole.Groups["path"].Value, scope).GetRawText());
                return JsonValue.Create(Render(text, scope));
            default:
                return node?.DeepClone();
        }
    }

    private static JsonElement Resolve(string path, TemplateScope scope) =>
        scope.TryResolve(path, out var value)
            ? value
            : throw new TemplateException(path, $"unknown placeholder '{{{{{path}}}}}'");

    private static string AsText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => value.GetRawText(),
    };

    [GeneratedRegex(@"\{\{\s*(?<path>[A-Za-z_][A-Za-z0-9_\-]*(\.[A-Za-z0-9_\-]+)*)\s*\}\}")]
    private static partial Regex PlaceholderRegex();
}
