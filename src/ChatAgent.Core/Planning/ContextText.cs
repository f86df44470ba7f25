using System.Globalization;
using System.Text;
using System.Text.Json;
using ChatAgent.Core.Events;

namespace ChatAgent.Core.Planning;

/// <summary>Escaping, truncation and formatting shared by the context renderers. Deterministic, culture-free.</summary>
internal static class ContextText
{
    /// <summary>
    /// Escapes element content: <c>&amp; &lt; &gt;</c>, so no content can close or open a tag. Control characters
    /// other than line feed and tab are dropped (XML cannot carry them, and they only cost tokens).
    /// </summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var sb = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            sb.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                _ => null,
            } ?? (char.IsControl(c) && c is not '\n' and not '\t' ? "" : c.ToString()));
        }
        return sb.ToString();
    }

    /// <summary>Escapes an attribute value (quoted with <c>"</c>); line breaks become spaces.</summary>
    public static string Attr(string? text) =>
        Escape(text).Replace("\"", "&quot;", StringComparison.Ordinal).Replace('\n', ' ').Replace('\t', ' ');

    /// <summary>
    /// Cuts <paramref name="text"/> to <paramref name="max"/> characters (never inside a surrogate pair)
    /// and says how much was cut, so the model knows it saw only part.
    /// </summary>
    public static string Truncate(string text, int max)
    {
        if (text.Length <= max) return text;
        var cut = max > 0 && char.IsHighSurrogate(text[max - 1]) ? max - 1 : max;
        return text[..cut] + $"… [truncated: {text.Length - cut} of {text.Length} chars cut]";
    }

    /// <summary>ISO 8601 UTC, to the second.</summary>
    public static string Time(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A JSON string as its text; anything else as compact JSON.</summary>
    public static string Json(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Undefined => "",
        JsonValueKind.String => element.GetString()!,
        _ => JsonSerializer.Serialize(element, EventJson.Options),
    };

    /// <summary>A JSON Schema without whitespace or the keys the model does not need (<c>$schema</c>, <c>$id</c>, <c>title</c>).</summary>
    public static string CompactSchema(string schema)
    {
        try
        {
            using var doc = JsonDocument.Parse(schema);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return JsonSerializer.Serialize(doc.RootElement, EventJson.Options);
            var kept = doc.RootElement.EnumerateObject().Where(p => p.Name is not ("$schema" or "$id" or "title"));
            return JsonSerializer.Serialize(kept.ToDictionary(p => p.Name, p => p.Value), EventJson.Options);
        }
        catch (JsonException)
        {
            return schema.Trim();
        }
    }

    public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);
}
