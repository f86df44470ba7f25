using System.Text.Json;

namespace ChatAgent.Core.Tools;

/// <summary>
/// A check around a tool call (the chapter's turns 1 and 4): a <c>precondition</c> runs before the call (before any
/// approval is asked), a <c>verify</c> check after it. Either it runs another (immediate) tool — <see cref="Tool"/>, with
/// <see cref="Parameters"/> templated over <c>params.*</c> and <c>result.*</c> — and passes when that tool succeeds and
/// every <see cref="Expect"/> path of its result equals the given JSON value; or, with no <see cref="Tool"/>, it is an
/// assertion on the checked call's own result: every <see cref="Expect"/> path of <c>result</c> equals its value.
/// </summary>
public sealed record ToolCheck(string Description, string? Tool, JsonElement Parameters, IReadOnlyDictionary<string, JsonElement> Expect)
{
    public const string Precondition = "precondition";
    public const string Verification = "verify";
}
