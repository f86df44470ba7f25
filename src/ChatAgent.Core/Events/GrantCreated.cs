using System.Text.Json;

namespace ChatAgent.Core.Events;

/// <summary>
/// A standing grant: the approver (the envelope's actor) approved <see cref="ApprovalId"/> and allowed, until
/// <see cref="ExpiresAt"/>, later calls of <see cref="Tool"/> whose parameters equal <see cref="Constraints"/> to proceed
/// without asking again. Appended to the thread of that approval, in the same commit as the approver's
/// <see cref="ApprovalDecided"/>; the grants projection is written from it by the same statement.
/// </summary>
/// <param name="Constraints">Top-level parameter name -> the value a covered call must have, taken from the approved call.</param>
public sealed record GrantCreated(
    string GrantId,
    string ApprovalId,
    string Tool,
    IReadOnlyDictionary<string, JsonElement> Constraints,
    DateTimeOffset ExpiresAt,
    string? Comment) : ThreadEvent;
