namespace ChatAgent.Core.Storage;

/// <summary>
/// Prepares the event store at start-up (creates the PostgreSQL schema). Idempotent and safe when
/// several processes start at once; the host calls it once before serving requests.
/// </summary>
public interface IStorageInitializer
{
    Task EnsureSchemaAsync(CancellationToken cancellationToken = default);
}
