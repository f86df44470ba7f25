using System.Collections.Concurrent;

namespace ChatAgent.Jobs;

/// <summary>Per-thread lock inside one process (the embedded default, with in-memory storage).</summary>
public sealed class InMemoryThreadLock : IThreadLock
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new();

    public async Task<IAsyncDisposable?> TryAcquireAsync(string threadId, CancellationToken cancellationToken)
    {
        var gate = _locks.GetOrAdd(threadId, _ => new SemaphoreSlim(1, 1));
        return await gate.WaitAsync(0, cancellationToken) ? new Releaser(gate) : null;
    }

    private sealed class Releaser(SemaphoreSlim gate) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            gate.Release();
            return ValueTask.CompletedTask;
        }
    }
}
