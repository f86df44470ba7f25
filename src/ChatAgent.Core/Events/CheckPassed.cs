using System.Text.Json;

namespace ChatAgent.Core.Events;

/// <summary>
/// A precondition or verification of a tool call held. <see cref="Phase"/>: <c>precondition</c> or <c>verify</c>;
/// <see cref="Result"/> is the check tool's result, when the check ran one. In a dry run a check that needs a tool is
/// not run: <see cref="DryRun"/> is <see cref="DryRunMarks.Recorded"/> when the origin's outcome of the same check of
/// the identical call is reused, <see cref="DryRunMarks.NotRun"/> when there was none (the dry run goes on as if it held).
/// </summary>
public sealed record CheckPassed(string ToolCallId, string Tool, string Phase, string Check, JsonElement? Result = null, string? DryRun = null) : ThreadEvent;
