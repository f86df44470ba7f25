namespace ChatAgent.Core.Storage;

/// <summary>
/// Recomputes every projection from the events (factor 5: every table but the events and the stores' own bookkeeping
/// is a projection): the thread list and the conversations. Used after a reducer change or to repair a damaged projection.
/// </summary>
public interface IProjectionRebuilder
{
    /// <summary>
    /// Replaces every thread summary with <c>ThreadSummary.From(ThreadReducer.Replay(events))</c> and every conversation
    /// with what its stream and the threads' links say, at once; returns each projection with the rows it now holds.
    /// </summary>
    Task<IReadOnlyList<RebuiltProjection>> RebuildProjectionAsync(CancellationToken cancellationToken = default);
}

/// <summary>One projection after a rebuild: its table and the rows it holds now, from the events read.</summary>
public sealed record RebuiltProjection(string Table, long Rows, long EventsRead);
