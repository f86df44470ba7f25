using System.Text.Json.Serialization;

namespace ChatAgent.Core.Events;

/// <summary>
/// One fact about a conversation the bot is in (not about a thread): stored in the conversation's own stream,
/// <c>conversation:&lt;platform&gt;:&lt;conversation id&gt;</c>, in the same event log and hash chain as threads.
/// Wire names are hand-written and never change.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(ConversationInstalled), "conversation_installed")]
[JsonDerivedType(typeof(ConversationRemoved), "conversation_removed")]
public abstract record ConversationEvent
{
    /// <summary><c>teams</c>, <c>slack</c>, …</summary>
    public abstract string Platform { get; init; }

    /// <summary>The platform's conversation (Teams: the conversation id; for a channel, the channel's).</summary>
    public abstract string ConversationId { get; init; }

    /// <summary>The wire name of this event type (the JSON <c>type</c> discriminator).</summary>
    [JsonIgnore]
    public string Type => EventTypes.NameOf(GetType());
}
