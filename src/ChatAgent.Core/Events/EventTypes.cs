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

    public static IReadOnlyCollection<Type> All => Names.Keys;

    public static IReadOnlyCollection<string> WireNames => Names.Values;

    public static string NameOf(Type type) =>
        Names.TryGetValue(type, out var name) ? name : throw new InvalidOperationException($"{type.Name} is not a registered thread event");
}
