namespace ChatAgent.Core.Audit;

/// <summary>The last sealed event of a thread whose chain verified: its seq and its seal.</summary>
public sealed record AuditHead(string ThreadId, long Seq, string Hash);
