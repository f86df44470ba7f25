namespace ChatAgent.Core.Storage;

/// <summary>The thread moved on since it was read; reload, decide again, and retry.</summary>
public sealed class ConcurrencyException(string threadId, long expectedVersion)
    : Exception($"Thread {threadId} is no longer at version {expectedVersion}")
{
    public string ThreadId { get; } = threadId;
    public long ExpectedVersion { get; } = expectedVersion;
}
