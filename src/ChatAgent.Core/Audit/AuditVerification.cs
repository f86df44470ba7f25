namespace ChatAgent.Core.Audit;

/// <summary>
/// The chain walk plus the checkpoints. A checkpoint (written on request, only with <c>Audit__Key</c> and only when the
/// walk is clean) signs every sealed thread's head; a later walk reports a thread that was present then and is missing
/// now (<c>deleted</c>), or shorter (<c>removed</c>), even when its list row went with it. The checkpoints chain by MAC,
/// so changing one or removing one before the latest is reported; removing the latest ones is seen only by comparing
/// with a MAC kept outside the database (<see cref="AuditReport.Checkpoint"/>).
/// </summary>
public sealed class AuditVerification(IAuditStore store, IAuditCheckpoints checkpoints, AuditKey key, TimeProvider time)
{
    private const int MaxWriteAttempts = 5;

    public async Task<AuditReport> VerifyAsync(CancellationToken cancellationToken = default)
    {
        var report = await store.VerifyAsync(cancellationToken);
        var list = await checkpoints.ListAsync(cancellationToken);
        if (list.Count == 0) return report;
        var findings = report.Findings.ToList();
        if (key.Value is not { } secret)
        {
            findings.Add(new AuditFinding($"checkpoint:{list[^1].Number}", 0, "unverifiable", list[^1].Mac, null, "checkpoints are signed with Audit__Key, which this verifier was not given"));
            return report with { Ok = false, Findings = findings, Checkpoint = Summary(list[^1]) };
        }

        string? previous = null;
        var expected = list[0].Number;
        foreach (var checkpoint in list)
        {
            if (!checkpoint.IsAuthentic(secret))
                findings.Add(new AuditFinding($"checkpoint:{checkpoint.Number}", 0, "checkpoint_forged", null, checkpoint.Mac, $"checkpoint {checkpoint.Number} no longer matches its MAC"));
            else if (checkpoint.Number != expected || (checkpoint.Number > 1 && checkpoint.PreviousMac != previous))
                findings.Add(new AuditFinding($"checkpoint:{checkpoint.Number}", 0, "checkpoint_relinked", checkpoint.PreviousMac, previous,
                    $"checkpoint {checkpoint.Number} does not follow the checkpoint before it: one was removed or replaced"));
            previous = checkpoint.Mac;
            expected = checkpoint.Number + 1;
        }

        var latest = list[^1];
        if (latest.IsAuthentic(secret)) findings.AddRange(Compare(latest, report.Heads, findings));
        return report with { Ok = findings.Count == 0, Findings = findings, Checkpoint = Summary(latest) };
    }

    /// <summary>Verifies, then, when the walk is clean, signs the heads as the next checkpoint (the report names it).</summary>
    public async Task<AuditReport> CheckpointAsync(CancellationToken cancellationToken = default)
    {
        if (key.Value is not { } secret) throw new InvalidOperationException("Audit checkpoints need Audit__Key.");
        for (var attempt = 1; ; attempt++)
        {
            var report = await VerifyAsync(cancellationToken);
            if (!report.Ok) return report;
            var checkpoint = AuditCheckpoint.Create((report.Checkpoint?.Number ?? 0) + 1, time.GetUtcNow(), report.Heads, report.Checkpoint?.Mac, secret);
            if (await checkpoints.AppendAsync(checkpoint, cancellationToken)) return report with { Checkpoint = Summary(checkpoint) };
            if (attempt == MaxWriteAttempts) throw new InvalidOperationException("Another writer kept taking the next checkpoint number.");
        }
    }

    private static IEnumerable<AuditFinding> Compare(AuditCheckpoint latest, IReadOnlyList<AuditHead> heads, IReadOnlyList<AuditFinding> known)
    {
        var now = heads.ToDictionary(h => h.ThreadId, StringComparer.Ordinal);
        var reported = known.Select(f => f.ThreadId).ToHashSet(StringComparer.Ordinal);
        foreach (var then in latest.Threads.Where(t => !reported.Contains(t.ThreadId)))
        {
            if (!now.TryGetValue(then.ThreadId, out var head))
                yield return new AuditFinding(then.ThreadId, 1, "deleted", then.Hash, null,
                    $"the thread had {then.Seq} events at checkpoint {latest.Number} ({latest.At:u}) and is gone");
            else if (head.Seq < then.Seq)
                yield return new AuditFinding(then.ThreadId, head.Seq + 1, "removed", then.Hash, head.Hash,
                    $"seq {head.Seq + 1}..{then.Seq} were there at checkpoint {latest.Number} ({latest.At:u})");
            else if (head.Seq == then.Seq && head.Hash != then.Hash)
                yield return new AuditFinding(then.ThreadId, head.Seq, "altered", then.Hash, head.Hash,
                    $"seq {head.Seq} is sealed differently than at checkpoint {latest.Number} ({latest.At:u})");
        }
    }

    private static AuditCheckpointSummary Summary(AuditCheckpoint c) => new(c.Number, c.At, c.Threads.Count, c.Mac);
}
