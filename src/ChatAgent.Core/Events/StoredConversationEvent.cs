namespace ChatAgent.Core.Events;

/// <summary>A conversation event as stored: the envelope (stream, seq, time, actor) around the payload.</summary>
public sealed record StoredConversationEvent(string StreamId, long Seq, DateTimeOffset At, Actor Actor, ConversationEvent Data);
