using ChatAgent.Core.Events;

namespace ChatAgent.Core.Runtime;

/// <summary>The one-line texts of the thread's status message (the card/ message edited as steps happen).</summary>
public static class StatusText
{
    public static string Started(string agent, string input, Actor by) =>
        $"{agent}: started by {by.Display}" + (string.IsNullOrWhiteSpace(input) ? "" : $" — \"{input}\"");

    /// <remarks>A dry run says so on every line: its messages must never read as the real thread's.</remarks>
    public static string Line(ThreadState state, string line) =>
        (state.DryRun ? "dry run · " : "") + $"{state.Agent} · step {state.Step}/{state.MaxSteps} · {line}";
}
