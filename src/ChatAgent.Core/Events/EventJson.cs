using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace ChatAgent.Core.Events;

/// <summary>
/// The one set of JSON options for events, state and the API: camelCase, enums as strings. A <see cref="ThreadEvent"/>
/// or <see cref="ConversationEvent"/> is written with its schema version (<c>{"type":"…","v":N,…}</c>) and read through <see cref="EventUpcaster"/>
/// when it was stored at an older version (no <c>v</c> means version 1).
/// </summary>
public static class EventJson
{
    /// <summary>The shapes as declared on the records, without versions: what the versioned converter reads and writes through.</summary>
    private static readonly JsonSerializerOptions Shapes = Create(versioned: false);

    public static JsonSerializerOptions Options { get; } = Create(versioned: true);

    private static JsonSerializerOptions Create(bool versioned)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            AllowOutOfOrderMetadataProperties = true,
        };
        if (versioned)
        {
            options.Converters.Add(new VersionedEvents<ThreadEvent>());
            options.Converters.Add(new VersionedEvents<ConversationEvent>());
            // The converters read and write the discriminator themselves, through Shapes.
            options.TypeInfoResolver = new DefaultJsonTypeInfoResolver
            {
                Modifiers = { info => { if (info.Type == typeof(ThreadEvent) || info.Type == typeof(ConversationEvent)) info.PolymorphismOptions = null; } },
            };
        }
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    public static string Serialize(ThreadEvent e) => JsonSerializer.Serialize(e, Options);

    public static ThreadEvent Deserialize(string json) =>
        JsonSerializer.Deserialize<ThreadEvent>(json, Options) ?? throw new JsonException("event JSON was null");

    public static string Serialize(ConversationEvent e) => JsonSerializer.Serialize(e, Options);

    public static ConversationEvent DeserializeConversation(string json) =>
        JsonSerializer.Deserialize<ConversationEvent>(json, Options) ?? throw new JsonException("event JSON was null");

    /// <summary>The property that carries an event's schema version.</summary>
    public const string VersionProperty = "v";

    private sealed class VersionedEvents<TEvent> : JsonConverter<TEvent>
        where TEvent : class
    {
        public override TEvent? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var (type, version) = Header(reader);
            if (!typeToConvert.IsAssignableFrom(EventTypes.TypeOf(type)))
                throw new JsonException($"'{type}' is not a {typeToConvert.Name}");
            var current = EventTypes.VersionOf(type);
            if (version == current) return JsonSerializer.Deserialize<TEvent>(ref reader, Shapes);
            if (version > current)
                throw new JsonException($"This '{type}' event is at schema version {version}, written by a newer ChatAgent; this one reads up to version {current}.");
            var data = JsonNode.Parse(ref reader)?.AsObject() ?? throw new JsonException("event JSON was null");
            EventUpcaster.Upcast(type, version, data);
            return data.Deserialize<TEvent>(Shapes);
        }

        public override void Write(Utf8JsonWriter writer, TEvent value, JsonSerializerOptions options)
        {
            // The discriminator is always written first: {"type":"name" then "," or "}".
            var json = JsonSerializer.Serialize(value, Shapes);
            var name = EventTypes.NameOf(value.GetType());
            var head = 10 + name.Length; // {"type":"  name  "
            writer.WriteRawValue(string.Concat(json.AsSpan(0, head), $",\"{VersionProperty}\":{EventTypes.VersionOf(name)}", json.AsSpan(head)), skipInputValidation: true);
        }

        /// <summary>The event's type and version, read ahead on a copy of the reader (a custom converter gets the whole object buffered).</summary>
        private static (string Type, int Version) Header(Utf8JsonReader reader)
        {
            if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("an event is a JSON object");
            string? type = null;
            int? version = null;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var name = reader.GetString();
                reader.Read();
                if (name == "type") type = reader.TokenType == JsonTokenType.String ? reader.GetString() : throw new JsonException("an event's type is a string");
                else if (name == VersionProperty) version = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var v) && v >= 1 ? v : throw new JsonException("an event's version is a positive whole number");
                else reader.Skip();
                if (type is not null && version is not null) break;
            }
            return (type ?? throw new JsonException("an event needs a 'type'"), version ?? 1);
        }
    }
}
