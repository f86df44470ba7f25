namespace ChatAgent.Core.Audit;

/// <summary>The outcome of a chain walk. <see cref="Unsealed"/> counts rows written before the chain existed.</summary>
public sealed record AuditReport(bool Ok, int Threads, long Events, long Unsealed, IReadOnlyList<AuditFinding> Findings)
{
    /// <summary>The last seal of every thread whose chain verified (what a checkpoint records); not part of the JSON report.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<AuditHead> Heads { get; init; } = [];

    /// <summary>The latest checkpoint the report was checked against, or the one it just wrote; null when there is none.</summary>
    public AuditCheckpointSummary? Checkpoint { get; init; }
}

/// <summary>
/// The first problem in one thread's chain. <see cref="Problem"/>: <c>altered</c> (the row's content no longer hashes to
/// its seal), <c>removed</c> (a seq is missing; <see cref="ExpectedHash"/> is the seal its successor recorded),
/// <c>relinked</c> (the row's recorded predecessor hash differs from the predecessor's seal: one of them was rewritten),
/// <c>unsealed</c> (a row without a seal after sealed rows), <c>deleted</c> (a thread present at the latest checkpoint is
/// gone, events and list row), <c>checkpoint_forged</c> / <c>checkpoint_relinked</c> (a checkpoint was changed, or one
/// before it removed; <see cref="ThreadId"/> is <c>checkpoint:&lt;number&gt;</c>). <see cref="FoundHash"/> is what the row holds now.
/// </summary>
public sealed record AuditFinding(string ThreadId, long Seq, string Problem, string? ExpectedHash, string? FoundHash, string Detail);
