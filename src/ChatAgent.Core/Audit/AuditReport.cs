namespace ChatAgent.Core.Audit;

/// <summary>The outcome of a chain walk. <see cref="Unsealed"/> counts rows written before the chain existed.</summary>
public sealed record AuditReport(bool Ok, int Threads, long Events, long Unsealed, IReadOnlyList<AuditFinding> Findings);

/// <summary>
/// The first problem in one thread's chain. <see cref="Problem"/>: <c>altered</c> (the row's content no longer hashes to
/// its seal), <c>removed</c> (a seq is missing; <see cref="ExpectedHash"/> is the seal its successor recorded),
/// <c>relinked</c> (the row's recorded predecessor hash differs from the predecessor's seal: one of them was rewritten),
/// <c>unsealed</c> (a row without a seal after sealed rows). <see cref="FoundHash"/> is what the row holds now.
/// </summary>
public sealed record AuditFinding(string ThreadId, long Seq, string Problem, string? ExpectedHash, string? FoundHash, string Detail);
