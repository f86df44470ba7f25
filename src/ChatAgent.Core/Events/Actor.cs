using System.Text.Json.Serialization;

namespace ChatAgent.Core.Events;

/// <summary>
/// Who caused an event. <see cref="Id"/> is a platform-qualified id:
/// <c>slack:U123</c>, <c>teams:&lt;aadObjectId&gt;</c>, <c>web:alice</c>, <c>api:ci</c>, <c>github:octocat</c>, <c>system</c>, <c>agent</c>.
/// </summary>
public sealed record Actor(string Kind, string Id, string? Name = null)
{
    public const string UserKind = "user";
    public const string AgentKind = "agent";
    public const string SystemKind = "system";

    public static readonly Actor System = new(SystemKind, "system");
    public static readonly Actor Agent = new(AgentKind, "agent");

    public static Actor User(string id, string? name = null) => new(UserKind, id, name);

    /// <summary>The name to show a person: the display name when known, else the id. Derived, so never stored.</summary>
    [JsonIgnore]
    public string Display => string.IsNullOrWhiteSpace(Name) ? Id : Name!;
}
