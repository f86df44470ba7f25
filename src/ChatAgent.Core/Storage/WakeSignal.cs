namespace ChatAgent.Core.Storage;

/// <summary>
/// This process's "something to dispatch" flag: set after a commit that stored wake-ups, on a notification from
/// another process, or when a worker frees up. Sets while nobody waits collapse into one. Meant for one waiter that,
/// after each return, looks at everything stored so far: a set that races the return is covered by that look.
/// </summary>
public sealed class WakeSignal
{
    /// <summary>
    /// This signal's name in the notifications its process's commits send: the process sets the signal itself after such
    /// a commit, so its listener need not set it again for the echo (each echo cost the dispatcher an empty look).
    /// </summary>
    public string Origin { get; } = Guid.NewGuid().ToString("N");

    /// <summary>
    /// Whether another process may be listening for wake-ups, so a commit that stores some must notify it; true unless
    /// this process's listener has just counted none (<c>PostgresWakeups</c>, about once a second). A notifying commit
    /// holds a lock of PostgreSQL's own across the whole cluster until its commit is on disk, so notifying commits
    /// cannot share a flush: a lone process that notifies only itself pays that on every launch, click and answer.
    /// </summary>
    public bool OthersListen
    {
        get => Volatile.Read(ref _othersListen);
        set => Volatile.Write(ref _othersListen, value);
    }

    private bool _othersListen = true;

    /// <summary><see cref="Origin"/> when a commit should notify (<see cref="OthersListen"/>), else null.</summary>
    public string? NotifyAs => OthersListen ? Origin : null;

    private readonly Lock _gate = new();
    private TaskCompletionSource _next = NewSource();

    public void Set()
    {
        TaskCompletionSource current;
        lock (_gate) current = _next;
        current.TrySetResult();
    }

    /// <summary>Returns at once if set since the last return; else when set, or after <paramref name="timeout"/>.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        Task next;
        lock (_gate)
        {
            if (_next.Task.IsCompleted)
            {
                _next = NewSource();
                return;
            }
            next = _next.Task;
        }
        try
        {
            await next.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            // The poll: a notification may have been missed (a dropped connection, a crashed process's last commit).
        }
        lock (_gate)
        {
            if (_next.Task.IsCompleted) _next = NewSource();
        }
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
