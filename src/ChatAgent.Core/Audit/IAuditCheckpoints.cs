namespace ChatAgent.Core.Audit;

/// <summary>The audit checkpoints, oldest first.</summary>
public interface IAuditCheckpoints
{
    Task<IReadOnlyList<AuditCheckpoint>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds <paramref name="checkpoint"/>; false (nothing written) when its number is taken (another writer was first).</summary>
    Task<bool> AppendAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken = default);
}
