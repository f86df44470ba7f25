using System.Text.Json.Serialization;

namespace ChatAgent.Core.Events;

/// <summary>
/// One person's decision on an approval (the envelope's actor says who). With a quorum above one,
/// several grants are needed; a single denial settles it. Stored as <c>"decision": "approve" | "deny"</c> since
/// version 2 (version 1 stored <c>"granted": true | false</c>; <see cref="EventUpcaster"/> reads it).
/// <see cref="Grant"/>: the standing grant that decided it (the actor is then the person who granted it, who did not
/// click this time); absent when a person decided.
/// </summary>
[EventVersion(2)]
public sealed record ApprovalDecided(
    string ApprovalId,
    [property: JsonPropertyName("decision"), JsonConverter(typeof(Decision.Json))] bool Granted,
    string? Comment,
    string ParametersHash,
    string? Grant = null) : ThreadEvent;
