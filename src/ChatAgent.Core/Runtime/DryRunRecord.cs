using System.Text.Json;
using ChatAgent.Core.Events;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Tools;

namespace ChatAgent.Core.Runtime;

/// <summary>
/// What a dry run may reuse from the thread it was forked from: the recorded result of each call (by its tool call
/// hash, the first one recorded), each answered question (by its text), and each precondition or verification of a
/// call (by the call's hash, the phase and the check). Read from the origin's whole stream, also what it did after the
/// fork's seq: that is what "what would it have done" compares against. Results a dry run itself answered with
/// "not run" are never reused (a dry run of a dry run).
/// </summary>
public sealed class DryRunRecord
{
    private readonly Dictionary<string, (JsonElement Result, long Seq)> _results = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (JsonElement Result, long Seq)> _answers = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Hash, string Phase, string Check), RecordedCheck> _checks = [];

    /// <summary>A recorded check outcome: passed (with the check tool's result) or failed (with why).</summary>
    public sealed record RecordedCheck(bool Passed, string? Message, string? Detail, JsonElement? Result);

    public static async Task<DryRunRecord> LoadAsync(IEventStore store, string originThreadId, CancellationToken ct) =>
        new(await store.ReadAsync(originThreadId, 0, ct));

    public DryRunRecord(IReadOnlyList<StoredEvent> origin)
    {
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        var questions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in origin)
        {
            switch (e.Data)
            {
                case ToolCalled c: hashes.TryAdd(c.ToolCallId, c.ParametersHash); break;
                case ApprovalRequested a: hashes.TryAdd(a.ToolCallId, a.ParametersHash); break;
            }
        }
        foreach (var e in origin)
        {
            switch (e.Data)
            {
                case ToolReturned r when r.DryRun != DryRunMarks.NotRun && hashes.TryGetValue(r.ToolCallId, out var hash):
                    _results.TryAdd(hash, (r.Result, e.Seq));
                    break;
                case HumanContacted q:
                    questions[q.RequestId] = q.Question;
                    break;
                case HumanResponded answer when questions.TryGetValue(answer.RequestId, out var question):
                    _answers.TryAdd(question, (AnswerResult(answer.Text, e.Actor.Id), e.Seq));
                    break;
                case CheckPassed p when p.DryRun != DryRunMarks.NotRun && hashes.TryGetValue(p.ToolCallId, out var hash):
                    _checks.TryAdd((hash, p.Phase, p.Check), new RecordedCheck(true, null, null, p.Result));
                    break;
                case CheckFailed f when hashes.TryGetValue(f.ToolCallId, out var hash):
                    _checks.TryAdd((hash, f.Phase, f.Check), new RecordedCheck(false, f.Message, f.Detail, null));
                    break;
            }
        }
    }

    /// <summary>
    /// True for the calls a dry run does not run: every tool that is not a built-in (shell, http, …) and every call that
    /// would contact people (<c>requires_approval</c>, <c>human</c>). <c>post_message</c> (its message goes through the
    /// fork's own outbox) and <c>summarize_threads</c> (read-only) run; <c>done</c> ends the fork as usual.
    /// </summary>
    public static bool Guards(ToolDefinition tool) =>
        tool.Runner.Type != RunnerSpec.Builtin || tool.Kind is ToolKind.RequiresApproval or ToolKind.Human;

    /// <summary>The recorded result of the identical call, with the seq of the origin's event that holds it.</summary>
    public (JsonElement Result, long Seq)? Find(string tool, JsonElement parameters)
    {
        if (tool == BuiltinTools.AskHuman)
            return parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty("question", out var q) && q.GetString() is { } text
                && _answers.TryGetValue(text, out var answer) ? answer : null;
        return _results.TryGetValue(ToolCallHash.Compute(tool, parameters), out var found) ? found : null;
    }

    /// <summary>The recorded outcome of check <paramref name="check"/> in <paramref name="phase"/> of the call with <paramref name="callHash"/>.</summary>
    public RecordedCheck? FindCheck(string callHash, string phase, string check) =>
        _checks.TryGetValue((callHash, phase, check), out var found) ? found : null;

    /// <summary>What the model sees for a call the dry run did not run.</summary>
    public static JsonElement NotRunResult { get; } = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["status"] = DryRunMarks.NotRunText });

    /// <summary>An answer as the reducer records one (<c>{"answer","by"}</c>), so a reused answer reads as the original.</summary>
    private static JsonElement AnswerResult(string text, string by) =>
        JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["answer"] = text, ["by"] = by });
}
