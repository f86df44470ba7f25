using System.Text.Json;

namespace ChatAgent.Core.Events;

/// <summary>
/// An approver changed the parameters of a pending call before approving it (the envelope's actor says who). From
/// here on the approval is bound to <see cref="ParametersHash"/>: the edited call is what runs, and votes cast on
/// <see cref="PreviousParametersHash"/> no longer count toward the quorum. Always appended together with the
/// editor's own <see cref="ApprovalDecided"/> on the new hash.
/// </summary>
/// <param name="Changes">The top-level parameters that differ, in name order.</param>
/// <param name="Reason">Why the approver changed them, as they wrote it.</param>
public sealed record ApprovalAmended(
    string ApprovalId,
    JsonElement Parameters,
    string ParametersHash,
    string PreviousParametersHash,
    IReadOnlyList<ParameterChange> Changes,
    string? Reason) : ThreadEvent;

/// <summary>One top-level parameter an approver changed: its value before and after (null: absent on that side).</summary>
public sealed record ParameterChange(string Name, JsonElement? From, JsonElement? To);
