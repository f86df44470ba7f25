using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json.Serialization;

namespace ChatAgent.Core.Events;

/// <summary>
/// The closed sets of event types and their wire names, read once from <see cref="ThreadEvent"/> and
/// <see cref="ConversationEvent"/>. A wire name is unique across both families, so one name finds one type and version.
/// </summary>
public static class EventTypes
{
    private static readonly FrozenDictionary<Type, string> ThreadNames = NamesOf(typeof(ThreadEvent));

    private static readonly FrozenDictionary<Type, string> ConversationNames = NamesOf(typeof(ConversationEvent));

    private static readonly FrozenDictionary<Type, string> Names = ThreadNames.Concat(ConversationNames).ToFrozenDictionary();

    private static readonly FrozenDictionary<string, Type> Types = Names.ToFrozenDictionary(p => p.Value, p => p.Key);

    private static readonly FrozenDictionary<string, int> Versions = Names.ToFrozenDictionary(
        p => p.Value, p => p.Key.GetCustomAttribute<EventVersionAttribute>()?.Version ?? 1);

    /// <summary>The thread event types.</summary>
    public static IReadOnlyCollection<Type> All => ThreadNames.Keys;

    /// <summary>The thread event types' wire names.</summary>
    public static IReadOnlyCollection<string> WireNames => ThreadNames.Values;

    /// <summary>The conversation event types (stored in conversation streams, never in a thread's).</summary>
    public static IReadOnlyCollection<Type> Conversation => ConversationNames.Keys;

    /// <summary>The record of the event type named <paramref name="wireName"/>.</summary>
    public static Type TypeOf(string wireName) =>
        Types.TryGetValue(wireName, out var type) ? type : throw new System.Text.Json.JsonException($"'{wireName}' is not a known event type");

    public static string NameOf(Type type) =>
        Names.TryGetValue(type, out var name) ? name : throw new InvalidOperationException($"{type.Name} is not a registered event");

    /// <summary>The version this build writes for the event type named <paramref name="wireName"/> (1 unless it says otherwise).</summary>
    public static int VersionOf(string wireName) =>
        Versions.TryGetValue(wireName, out var version) ? version : throw new System.Text.Json.JsonException($"'{wireName}' is not a known event type");

    public static int VersionOf(Type type) => VersionOf(NameOf(type));

    private static FrozenDictionary<Type, string> NamesOf(Type family) => family
        .GetCustomAttributes<JsonDerivedTypeAttribute>()
        .ToFrozenDictionary(a => a.DerivedType, a => (string)a.TypeDiscriminator!);
}
