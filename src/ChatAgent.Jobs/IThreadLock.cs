namespace ChatAgent.Jobs;

/// <summary>A per-thread mutual exclusion lock; null from <see cref="TryAcquireAsync"/> when another holder has it.</summary>
public interface IThreadLock
{
    Task<IAsyncDisposable?> TryAcquireAsync(string threadId, CancellationToken cancellationToken);
}
