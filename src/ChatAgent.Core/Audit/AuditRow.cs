namespace ChatAgent.Core.Audit;

/// <summary>One stored event as the chain walk sees it: the raw columns, as they are now.</summary>
public sealed record AuditRow(string ThreadId, long Seq, string Type, string DataJson, string ActorJson, DateTimeOffset At, string? PrevHash, string? Hash);
