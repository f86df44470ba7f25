using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ChatAgent.Core.Tools;

/// <summary>
/// Canonical JSON: object keys sorted (ordinal) at every depth, no whitespace.
/// Two values that differ only in key order or formatting serialize to the same text.
/// </summary>
public static class CanonicalJson
{
    /// <summary>Numbers and strings as written (the tool-call hash depends on it).</summary>
    public static string Serialize(JsonElement value) => Serialize(value, asJsonb: false);

    /// <summary>
    /// Also strings re-encoded and numbers in decimal form, as PostgreSQL's jsonb prints them, so the text survives a
    /// jsonb round trip (the audit chain's hashes depend on it).
    /// </summary>
    public static string SerializeAsJsonb(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Serialize(document.RootElement, asJsonb: true);
    }

    private static string Serialize(JsonElement value, bool asJsonb)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false }))
            Write(writer, value, asJsonb);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, JsonElement value, bool asJsonb)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value, asJsonb);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray()) Write(writer, item, asJsonb);
                writer.WriteEndArray();
                break;
            case JsonValueKind.Undefined:
                writer.WriteNullValue();
                break;
            case JsonValueKind.String when asJsonb:
                writer.WriteStringValue(value.GetString());
                break;
            case JsonValueKind.Number when asJsonb:
                var raw = value.GetRawText();
                writer.WriteRawValue(decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                    ? d.ToString(CultureInfo.InvariantCulture)
                    : raw);
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }
}
