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
    public static string Serialize(JsonElement value) => Serialize(value, asJsonb: false);

    /// <summary>
    /// Also strings re-encoded and numbers in decimal form, as PostgreSQL's jsonb prints them, so the text survives a
    /// jsonb round trip (the audit chain's hashes depend on it).
    /// </summary>
    public static string SerializeAsJsonb(string json)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output)) WriteAsJsonb(json, writer);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    /// <summary><see cref="SerializeAsJsonb"/>'s UTF-8 bytes, written to <paramref name="writer"/> and flushed.</summary>
    public static void WriteAsJsonb(string json, Utf8JsonWriter writer)
    {
        using var document = JsonDocument.Parse(json);
        Write(writer, document.RootElement, asJsonb: true);
        writer.Flush();
    }

    private static string Serialize(JsonElement value, bool asJsonb)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false }))
            Write(writer, value, asJsonb);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Objects up to this many keys are sorted in place (insertion sort); larger ones by LINQ's stable sort.</summary>
    private const int SmallObject = 32;

    /// <summary>An object's properties in ordinal order of their names; equal names keep their order (a stable sort).</summary>
    private static void WriteProperties(Utf8JsonWriter writer, JsonElement value, bool asJsonb)
    {
        var count = 0;
        foreach (var _ in value.EnumerateObject()) count++;
        if (count > SmallObject)
        {
            foreach (var property in value.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
            {
                writer.WritePropertyName(property.Name);
                Write(writer, property.Value, asJsonb);
            }
            return;
        }
        var names = ArrayPool<string>.Shared.Rent(count);
        var values = ArrayPool<JsonElement>.Shared.Rent(count);
        try
        {
            var n = 0;
            foreach (var property in value.EnumerateObject())
            {
                // Insertion sort: objects here have a handful of keys, and it is stable.
                var name = property.Name;
                var at = n;
                while (at > 0 && string.CompareOrdinal(names[at - 1], name) > 0)
                {
                    names[at] = names[at - 1];
                    values[at] = values[at - 1];
                    at--;
                }
                names[at] = name;
                values[at] = property.Value;
                n++;
            }
            for (var i = 0; i < n; i++)
            {
                writer.WritePropertyName(names[i]);
                Write(writer, values[i], asJsonb);
            }
        }
        finally
        {
            ArrayPool<string>.Shared.Return(names, clearArray: true);
            ArrayPool<JsonElement>.Shared.Return(values, clearArray: true);
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
