using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json.Serialization;

namespace ChatAgent.Core.Events;

/// <summary>The closed set of event types and their wire names, read once from <see cref="ThreadEvent"/>.</summary>
public static class EventTypes
{
    private static readonly FrozenDictionary<Type, string> Names = typeof(ThreadEvent)
        .GetCustomAttributes<JsonDerivedTypeAttribute>()
        .ToFrozenDictionary(a => a.DerivedType, a => (string)a.TypeDiscriminator!);

    private static readonly FrozenDictionary<string, int> Versions = Names.ToFrozenDictionary(
        p => p.Value, p => p.Key.GetCustomAttribute<EventVersionAttribute>()?.Version ?? 1);

    public static IReadOnlyCollection<Type> All => Names.Keys;

    public static IReadOnlyCollection<string> WireNames => Names.Values;

    public static string NameOf(Type type) =>
        Names.TryGetValue(type, out var name) ? name : throw new InvalidOperationException($"{type.Name} is not a registered thread event");

    /// <summary>The version this build writes for the event type named <paramref name="wireName"/> (1 unless it says otherwise).</summary>
    public static int VersionOf(string wireName) =>
        Versions.TryGetValue(wireName, out var version) ? version : throw new System.Text.Json.JsonException($"'{wireName}' is not a known event type");

    public static int VersionOf(Type type) => VersionOf(NameOf(type));
}
