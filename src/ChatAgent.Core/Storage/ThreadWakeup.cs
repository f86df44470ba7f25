using System.Diagnostics;

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
/// <see cref="TraceParent"/> is the W3C trace context of whoever asked (a click's request), so the work it released
/// is in that trace, in whichever process it runs.
/// </summary>
public sealed record ThreadWakeup(string ThreadId, WakeupKind Kind, string? TraceParent = null)
{
    public static ThreadWakeup Run(string threadId) => new(threadId, WakeupKind.Run, CurrentTrace());

    public static ThreadWakeup Deliver(string threadId) => new(threadId, WakeupKind.Deliver, CurrentTrace());

    private static string? CurrentTrace() => Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    internal string WireKind => WireName(Kind);

    internal static string WireName(WakeupKind kind) => kind == WakeupKind.Run ? "run" : "deliver";
}
