using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChatAgent.Core.Events;

/// <summary>A person's decision on an approval as stored and as the REST API takes it: <c>approve</c> or <c>deny</c>.</summary>
public static class Decision
{
    public const string Approve = "approve";
    public const string Deny = "deny";

    /// <summary>Stores <see cref="ApprovalDecided.Granted"/> as <c>"approve"</c> / <c>"deny"</c>.</summary>
    public sealed class Json : JsonConverter<bool>
    {
        public override bool Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetString() switch
        {
            Approve => true,
            Deny => false,
            var other => throw new JsonException($"A decision is '{Approve}' or '{Deny}', not '{other}'."),
        };

        public override void Write(Utf8JsonWriter writer, bool value, JsonSerializerOptions options) => writer.WriteStringValue(value ? Approve : Deny);
    }
}
