using ChatAgent.Core.Audit;

namespace ChatAgent.Core.Storage.InMemory;

/// <summary>Audit checkpoints in memory (the embedded default: lost on exit, like the events).</summary>
public sealed class InMemoryAuditCheckpoints : IAuditCheckpoints
{
    private readonly Lock _lock = new();
    private readonly List<AuditCheckpoint> _checkpoints = [];

    public Task<IReadOnlyList<AuditCheckpoint>> ListAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock) return Task.FromResult<IReadOnlyList<AuditCheckpoint>>([.. _checkpoints]);
    }

    public Task<bool> AppendAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_checkpoints.Any(c => c.Number == checkpoint.Number)) return Task.FromResult(false);
            _checkpoints.Add(checkpoint);
            return Task.FromResult(true);
        }
    }
}
