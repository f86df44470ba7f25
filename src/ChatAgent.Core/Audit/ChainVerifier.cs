namespace ChatAgent.Core.Audit;

/// <summary>
/// Walks rows ordered by thread then seq and names, per thread, the first event altered or removed. A removal
/// at the end of a thread is found against the thread list's recorded version.
/// </summary>
public sealed class ChainVerifier(IReadOnlyDictionary<string, long> threadVersions)
{
    private readonly List<AuditFinding> _findings = [];
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private string? _thread;
    private long _lastSeq;
    private string? _lastHash;
    private bool _sealed;
    private bool _broken;

    public long Events { get; private set; }
    public long Unsealed { get; private set; }

    public void Add(AuditRow row)
    {
        Events++;
        if (row.ThreadId != _thread) StartThread(row.ThreadId);
        if (_broken) return;
        if (row.Seq != _lastSeq + 1)
        {
            Report(new AuditFinding(row.ThreadId, _lastSeq + 1, "removed", row.PrevHash, null,
                $"seq {_lastSeq + 1}..{row.Seq - 1} missing; seq {row.Seq} follows seq {_lastSeq}"));
            return;
        }
        if (row.Hash is null)
        {
            Unsealed++;
            if (_sealed) Report(new AuditFinding(row.ThreadId, row.Seq, "unsealed", null, null, "a row without a seal after sealed rows"));
            _lastSeq = row.Seq;
            return;
        }
        if (!string.Equals(row.PrevHash, _lastHash, StringComparison.Ordinal))
        {
            Report(new AuditFinding(row.ThreadId, row.Seq - 1, "relinked", row.PrevHash, _lastHash,
                $"seq {row.Seq} was sealed after a different seq {row.Seq - 1}"));
            return;
        }
        var actual = AuditHash.Compute(row.PrevHash, row.ThreadId, row.Seq, row.Type, row.DataJson, row.ActorJson, row.At);
        if (!string.Equals(actual, row.Hash, StringComparison.Ordinal))
        {
            Report(new AuditFinding(row.ThreadId, row.Seq, "altered", row.Hash, actual, $"seq {row.Seq} ({row.Type}) no longer matches its seal"));
            return;
        }
        _sealed = true;
        _lastSeq = row.Seq;
        _lastHash = row.Hash;
    }

    public AuditReport Finish()
    {
        StartThread(null);
        foreach (var (thread, version) in threadVersions.Where(t => !_seen.Contains(t.Key)).OrderBy(t => t.Key, StringComparer.Ordinal))
            _findings.Add(new AuditFinding(thread, 1, "removed", null, null, $"all {version} events are missing"));
        return new AuditReport(_findings.Count == 0, _seen.Count, Events, Unsealed, _findings);
    }

    private void StartThread(string? next)
    {
        if (_thread is not null && !_broken && threadVersions.TryGetValue(_thread, out var version) && version > _lastSeq)
            _findings.Add(new AuditFinding(_thread, _lastSeq + 1, "removed", null, null, $"seq {_lastSeq + 1}..{version} missing at the end"));
        _thread = next;
        if (next is not null) _seen.Add(next);
        _lastSeq = 0;
        _lastHash = null;
        _sealed = false;
        _broken = false;
    }

    private void Report(AuditFinding finding)
    {
        _findings.Add(finding);
        _broken = true;
    }
}
