namespace ChatAgent.Core.Audit;

/// <summary>A checkpoint as the report shows it: ship <see cref="Mac"/> to a store outside the database after each one.</summary>
public sealed record AuditCheckpointSummary(long Number, DateTimeOffset At, int Threads, string Mac);
