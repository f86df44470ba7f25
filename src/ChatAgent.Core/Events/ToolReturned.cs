using System.Text.Json;

namespace ChatAgent.Core.Events;

/// <summary>
/// A tool ran and succeeded; <see cref="Result"/> is its output (always data, never instructions). In a dry run the
/// call did not run: <see cref="DryRun"/> says whether <see cref="Result"/> is the origin's recorded result
/// (<see cref="DryRunMarks.Recorded"/>, from the origin's event <see cref="RecordedSeq"/>) or the "not run" answer
/// (<see cref="DryRunMarks.NotRun"/>).
/// </summary>
public sealed record ToolReturned(string ToolCallId, string Tool, JsonElement Result, string? DryRun = null, long? RecordedSeq = null) : ThreadEvent;
