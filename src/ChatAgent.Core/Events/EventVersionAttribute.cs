namespace ChatAgent.Core.Events;

/// <summary>
/// The schema version of an event type's stored shape; a type without it is at 1. Raise it only with an
/// <see cref="EventUpcaster"/> step from the previous version (docs/DESIGN.md, "Changing an event").
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class EventVersionAttribute(int version) : Attribute
{
    public int Version { get; } = version;
}
