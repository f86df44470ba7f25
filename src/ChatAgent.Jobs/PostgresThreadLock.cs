using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace ChatAgent.Jobs;

/// <summary>
/// Per-thread lock across processes: a PostgreSQL session advisory lock held on a dedicated connection for
/// the whole run. If the process dies, the connection drops and PostgreSQL releases the lock. The lock's pool may
/// skip Npgsql's reset (<see cref="ThreadLockDataSource"/>): a connection goes back only after its lock was released,
/// and when that is not certain (the unlock failed, the lock call was cut short) the pool is cleared, which closes the
/// connection instead of keeping it.
/// </summary>
public sealed class PostgresThreadLock(NpgsqlDataSource dataSource) : IThreadLock
{
    public async Task<IAsyncDisposable?> TryAcquireAsync(string threadId, CancellationToken cancellationToken)
    {
        var key = KeyOf(threadId);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var cmd = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", connection) { Parameters = { new() { Value = key } } };
            if (await cmd.ExecuteScalarAsync(cancellationToken) is true) return new Handle(dataSource, connection, key);
        }
        catch
        {
            // The server may have granted the lock before the call was cut short (a cancellation): never pool it.
            dataSource.Clear();
            await connection.DisposeAsync();
            throw;
        }
        await connection.DisposeAsync();
        return null;
    }

    /// <summary>A stable 64-bit key from the thread id (first 8 bytes of its SHA-256).</summary>
    internal static long KeyOf(string threadId) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("chatagent.thread:" + threadId)), 0);

    private sealed class Handle(NpgsqlDataSource dataSource, NpgsqlConnection connection, long key) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var cmd = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", connection) { Parameters = { new() { Value = key } } };
                await cmd.ExecuteNonQueryAsync();
            }
            catch
            {
                // Whether the lock is still held is unknown: the connection closes rather than going back with it.
                dataSource.Clear();
                throw;
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
    }
}
