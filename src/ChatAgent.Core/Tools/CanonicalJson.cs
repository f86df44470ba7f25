using System.Buffers;
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
    public static string Serialize(JsonElement value) => ToText(writer => Write(writer, value, asJsonb: false));

    /// <summary>
    /// Also strings re-encoded and numbers in decimal form, as PostgreSQL's jsonb prints them, so the text survives a
    /// jsonb round trip (the audit chain's hashes depend on it).
    /// </summary>
    public static string SerializeAsJsonb(string json) => ToText(writer => WriteAsJsonb(json, writer));

    /// <summary><see cref="SerializeAsJsonb"/>'s UTF-8 bytes, written to <paramref name="writer"/> and flushed.</summary>
    public static void WriteAsJsonb(string json, Utf8JsonWriter writer)
    {
        using var document = JsonDocument.Parse(json);
        Write(writer, document.RootElement, asJsonb: true);
        writer.Flush();
    }

    /// <summary>What <paramref name="write"/> writes, as text; no whitespace (the writer's defaults).</summary>
    private static string ToText(Action<Utf8JsonWriter> write)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output)) write(writer);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    /// <summary>An object's properties in ordinal order of their names; equal names keep their order.</summary>
    private static void WriteProperties(Utf8JsonWriter writer, JsonElement value, bool asJsonb)
    {
        var properties = ArrayPool<(string Name, int At, JsonElement Value)>.Shared.Rent(value.GetPropertyCount());
        try
        {
            var n = 0;
            foreach (var property in value.EnumerateObject())
            {
                properties[n] = (property.Name, n, property.Value);
                n++;
            }
            // Ties broken by position: the order is that of a stable sort, whatever the algorithm.
            properties.AsSpan(0, n).Sort(static (x, y) => string.CompareOrdinal(x.Name, y.Name) is var byName and not 0 ? byName : x.At.CompareTo(y.At));
            foreach (var (name, _, propertyValue) in properties.AsSpan(0, n))
            {
                writer.WritePropertyName(name);
                Write(writer, propertyValue, asJsonb);
            }
        }
        finally
        {
            ArrayPool<(string Name, int At, JsonElement Value)>.Shared.Return(properties, clearArray: true);
        }
    }

    private static void Write(Utf8JsonWriter writer, JsonElement value, bool asJsonb)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                WriteProperties(writer, value, asJsonb);
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
