namespace ChatAgent.Core.Events;

/// <summary>
/// Where a fork starts: the thread it was made from and the seq of the event right after which it begins. The fork's
/// stream holds copies of that thread's events 2..<see cref="Seq"/> (but its outbox), so replaying it gives the
/// origin's state at that seq.
/// </summary>
public sealed record ForkedFrom(string ThreadId, long Seq);
