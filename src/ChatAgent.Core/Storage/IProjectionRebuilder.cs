namespace ChatAgent.Core.Storage;

/// <summary>
/// Recomputes the thread-list projection from the events (factor 5: every table but the events is a
/// projection). Used after a reducer change or to repair a damaged projection.
/// </summary>
public interface IProjectionRebuilder
{
    /// <summary>Replaces every thread summary with <c>ThreadSummary.From(ThreadReducer.Replay(events))</c>.</summary>
    Task RebuildProjectionAsync(CancellationToken cancellationToken = default);
}
