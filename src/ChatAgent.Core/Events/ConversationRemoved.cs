namespace ChatAgent.Core.Events;

/// <summary>The bot was removed from the conversation (or its app uninstalled there): nothing is posted there any more.</summary>
[EventVersion(1)]
public sealed record ConversationRemoved(string Platform, string ConversationId) : ConversationEvent;
