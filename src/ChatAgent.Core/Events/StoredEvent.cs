namespace ChatAgent.Core.Events;

/// <summary>An event as stored: the envelope (thread, seq, time, actor) around the payload.</summary>
public sealed record StoredEvent(string ThreadId, long Seq, DateTimeOffset At, Actor Actor, ThreadEvent Data);

/// <summary>An event about to be appended; the store assigns its seq.</summary>
public sealed record NewEvent(ThreadEvent Data, Actor Actor, DateTimeOffset At);
