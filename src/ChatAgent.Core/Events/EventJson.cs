using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChatAgent.Core.Events;

/// <summary>The one set of JSON options for events, state and the API: camelCase, enums as strings.</summary>
public static class EventJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            AllowOutOfOrderMetadataProperties = true,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    public static string Serialize(ThreadEvent e) => JsonSerializer.Serialize(e, Options);

    public static ThreadEvent Deserialize(string json) =>
        JsonSerializer.Deserialize<ThreadEvent>(json, Options) ?? throw new JsonException("event JSON was null");
}
