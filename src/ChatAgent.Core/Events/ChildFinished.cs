using System.Text.Json;

namespace ChatAgent.Core.Events;

/// <summary>
/// A workflow's child ended. <see cref="Outcome"/>: <c>completed</c>, <c>denied</c> (completed after an approval was denied
/// or expired) or <c>failed</c>; <see cref="Result"/> is the child's final result (its <c>done</c> call's <c>result</c>).
/// </summary>
public sealed record ChildFinished(string StepId, string ChildThreadId, string Outcome, string? Summary, JsonElement? Result = null) : ThreadEvent
{
    public const string Completed = "completed";
    public const string Denied = "denied";
    public const string Failed = "failed";
}
