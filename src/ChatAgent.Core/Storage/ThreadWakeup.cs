namespace ChatAgent.Core.Storage;

/// <summary>What a thread needs done after a commit: run its steps, or deliver its outbox.</summary>
public enum WakeupKind
{
    Run,
    Deliver,
}

/// <summary>
/// Work a committed change asked for, stored with the change itself (<see cref="IEventStore.AppendAsync"/>) or on its
/// own (<see cref="IWakeupQueue.AddAsync"/>), and handed on by a dispatcher after the answer has gone out.
/// </summary>
public sealed record ThreadWakeup(string ThreadId, WakeupKind Kind)
{
    public static ThreadWakeup Run(string threadId) => new(threadId, WakeupKind.Run);

    public static ThreadWakeup Deliver(string threadId) => new(threadId, WakeupKind.Deliver);

    internal string WireKind => WireName(Kind);

    internal static string WireName(WakeupKind kind) => kind == WakeupKind.Run ? "run" : "deliver";
}
