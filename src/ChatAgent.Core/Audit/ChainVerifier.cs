namespace ChatAgent.Core.Audit;

/// <summary>
/// Walks rows ordered by thread then seq and names, per thread, the first event altered or removed. A removal
/// at the end of a thread is found against the thread list's recorded version. Rows without a seal written after
/// sealing began anywhere (a thread inserted by hand, say) are reported, and with <paramref name="key"/> so are rows
/// sealed without the key after keyed sealing began (re-sealed by someone who lacks it). Keyed seals are checked
/// with the key; without it they cannot be, and are reported. The heads of the threads found intact come back with the
/// report, for <see cref="AuditVerification"/> to compare with the latest checkpoint.
/// </summary>
public sealed class ChainVerifier(IReadOnlyDictionary<string, long> threadVersions, byte[]? key = null)
{
    private readonly Dictionary<string, (long Seq, DateTimeOffset At)> _lastUnsealed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Seq, DateTimeOffset At)> _lastUnkeyed = new(StringComparer.Ordinal);
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AuditHead> _heads = new(StringComparer.Ordinal);
    private DateTimeOffset? _firstSealed;
    private DateTimeOffset? _firstKeyed;

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
            _lastUnsealed[row.ThreadId] = (row.Seq, row.At);
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
        var keyed = AuditHash.IsKeyed(row.Hash);
        if (keyed && key is null)
        {
            Report(new AuditFinding(row.ThreadId, row.Seq, "unverifiable", row.Hash, null, $"seq {row.Seq} is sealed with Audit__Key, which this verifier was not given"));
            return;
        }
        var actual = AuditHash.Compute(row.PrevHash, row.ThreadId, row.Seq, row.Type, row.DataJson, row.ActorJson, row.At, keyed ? key : null);
        if (!string.Equals(actual, row.Hash, StringComparison.Ordinal))
        {
            Report(new AuditFinding(row.ThreadId, row.Seq, "altered", row.Hash, actual, $"seq {row.Seq} ({row.Type}) no longer matches its seal"));
            return;
        }
        _sealed = true;
        if (_firstSealed is null || row.At < _firstSealed) _firstSealed = row.At;
        if (keyed && (_firstKeyed is null || row.At < _firstKeyed)) _firstKeyed = row.At;
        if (!keyed && key is not null) _lastUnkeyed[row.ThreadId] = (row.Seq, row.At);
        _heads[row.ThreadId] = new AuditHead(row.ThreadId, row.Seq, row.Hash);
        _lastSeq = row.Seq;
        _lastHash = row.Hash;
    }

    public AuditReport Finish()
    {
        StartThread(null);
        foreach (var (thread, (seq, at)) in _lastUnsealed.OrderBy(t => t.Key, StringComparer.Ordinal))
            if (_firstSealed is { } began && at >= began && !_reported.Contains(thread))
                Add(new AuditFinding(thread, seq, "unsealed", null, null, $"seq {seq} has no seal, though sealing began at {began:u}"));
        foreach (var (thread, (seq, at)) in _lastUnkeyed.OrderBy(t => t.Key, StringComparer.Ordinal))
            if (_firstKeyed is { } began && at > began && !_reported.Contains(thread))
                Add(new AuditFinding(thread, seq, "unkeyed", null, null, $"seq {seq} is sealed without Audit__Key, though keyed sealing began at {began:u}"));
        foreach (var (thread, version) in threadVersions.Where(t => !_seen.Contains(t.Key)).OrderBy(t => t.Key, StringComparer.Ordinal))
            Add(new AuditFinding(thread, 1, "removed", null, null, $"all {version} events are missing"));
        var heads = _heads.Values.Where(h => !_reported.Contains(h.ThreadId)).OrderBy(h => h.ThreadId, StringComparer.Ordinal).ToList();
        return new AuditReport(_findings.Count == 0, _seen.Count, Events, Unsealed, _findings) { Heads = heads };
    }

    private void StartThread(string? next)
    {
        if (_thread is not null && !_broken && threadVersions.TryGetValue(_thread, out var version) && version > _lastSeq)
            Add(new AuditFinding(_thread, _lastSeq + 1, "removed", null, null, $"seq {_lastSeq + 1}..{version} missing at the end"));
        _thread = next;
        if (next is not null) _seen.Add(next);
        _lastSeq = 0;
        _lastHash = null;
        _sealed = false;
        _broken = false;
    }

    private void Report(AuditFinding finding)
    {
        Add(finding);
        _broken = true;
    }

    private void Add(AuditFinding finding)
    {
        _findings.Add(finding);
        _reported.Add(finding.ThreadId);
    }
}
