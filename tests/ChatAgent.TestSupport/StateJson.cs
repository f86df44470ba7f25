using System.Text.Json;
using ChatAgent.Core.Events;

namespace ChatAgent.TestSupport;

/// <summary>
/// States hold immutable collections, which compare by reference; compare their JSON (with the
/// one set of event options) instead.
/// </summary>
public static class StateJson
{
    public static string Of<T>(T value) => JsonSerializer.Serialize(value, EventJson.Options);
}
