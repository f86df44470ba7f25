using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChatAgent.Core.Events;

/// <summary>
/// Reads older stored shapes of an event as today's: each step turns version n of one type into n + 1, and a stored
/// event runs through every step from its version to the current one. Steps are never edited once released; a new
/// shape adds a step. The stored text is never rewritten (the audit chain seals it as written).
/// </summary>
public static class EventUpcaster
{
    private static readonly FrozenDictionary<(string Type, int From), Action<JsonObject>> Steps =
        new Dictionary<(string Type, int From), Action<JsonObject>>
        {
            // v2: the decision in the words of the REST API and the cards ("approve"/"deny"), not a boolean.
            [("approval_decided", 1)] = data =>
            {
                var granted = data["granted"] is JsonValue value && value.TryGetValue<bool>(out var g)
                    ? g
                    : throw new JsonException("approval_decided v1 needs a boolean 'granted'");
                data.Remove("granted");
                data["decision"] = granted ? Decision.Approve : Decision.Deny;
            },
        }.ToFrozenDictionary();

    /// <summary>Brings <paramref name="data"/> (the event's JSON object) from <paramref name="version"/> to the current version of its type, in place.</summary>
    public static void Upcast(string type, int version, JsonObject data)
    {
        var current = EventTypes.VersionOf(type);
        for (var v = version; v < current; v++)
        {
            if (!Steps.TryGetValue((type, v), out var step))
                throw new JsonException($"No upcast for '{type}' from version {v}.");
            step(data);
        }
        data["v"] = current;
    }

    /// <summary>The (type, from-version) pairs that have a step: every version below the current one must.</summary>
    public static IReadOnlyCollection<(string Type, int From)> Defined => Steps.Keys;
}
