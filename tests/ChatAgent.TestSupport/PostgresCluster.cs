namespace ChatAgent.TestSupport;

/// <summary>
/// A PostgreSQL cluster owned by one test (<see cref="PostgresServer.StartClusterAsync"/>): it may restart it.
/// Dispose stops the server and deletes its files.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private readonly Action _restart;
    private readonly Action _stop;
    private int _stopped;

    internal PostgresCluster(string connectionString, Action restart, Action stop)
    {
        ConnectionString = connectionString;
        _restart = restart;
        _stop = stop;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop();
    }

    /// <summary>The <c>postgres</c> database as the superuser.</summary>
    public string ConnectionString { get; }

    /// <summary><c>pg_ctl restart -m fast</c>: every client connection is closed; returns when the server accepts connections again.</summary>
    public Task RestartAsync() => Task.Run(_restart);

    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }

    private void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0) _stop();
    }
}
