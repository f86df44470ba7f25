using System.Collections.Immutable;
using System.Text.Json;
using ChatAgent.Core.Tools;

namespace ChatAgent.Core.Threads;

/// <summary>
/// An approval that waits for people, with the votes cast so far, the ladder rungs passed and the outcomes of the
/// call's preconditions (<see cref="Checks"/>: all passed, or the approval would not have been asked), for the card.
/// </summary>
public sealed record PendingApproval(
    string Id,
    string ToolCallId,
    string Tool,
    JsonElement Parameters,
    string ParametersHash,
    string? Reason,
    string RequestedBy,
    ApprovalPolicy Policy,
    DateTimeOffset RequestedAt,
    DateTimeOffset ExpiresAt,
    ImmutableList<ApprovalVote> Votes,
    bool Reminded = false,
    ImmutableList<string>? EscalatedTo = null,
    ImmutableList<CheckOutcome>? Checks = null)
{
    /// <summary>When the ladder reminded the approvers (the card says "reminded 14:15").</summary>
    public DateTimeOffset? RemindedAt { get; init; }

    /// <summary>When the ladder escalated to <see cref="EscalatedTo"/>.</summary>
    public DateTimeOffset? EscalatedAt { get; init; }

    /// <summary>The approvers' edits, oldest first (empty: the call is as the agent proposed it).</summary>
    public ImmutableList<ApprovalAmendment> Amendments { get; init; } = [];
}

/// <summary>One approver's edit of a pending call: who, which parameters changed and why.</summary>
public sealed record ApprovalAmendment(string By, string? ByName, IReadOnlyList<Events.ParameterChange> Changes, string? Reason, DateTimeOffset At);

/// <summary>One person's vote on an approval; <see cref="Grant"/>: cast by their standing grant, not by a click.</summary>
public sealed record ApprovalVote(string By, string? ByName, bool Granted, string? Comment, DateTimeOffset At)
{
    public string? Grant { get; init; }
}

/// <summary>How a settled approval ended: granted, denied (with who and why) or expired.</summary>
public sealed record ApprovalOutcome(
    string Id,
    string ToolCallId,
    string Tool,
    string ParametersHash,
    string Outcome,
    ImmutableList<ApprovalVote> Votes,
    DateTimeOffset At)
{
    public const string Granted = "granted";
    public const string Denied = "denied";
    public const string Expired = "expired";

    /// <summary>The approvers' edits before it was settled (empty: approved or denied as proposed).</summary>
    public ImmutableList<ApprovalAmendment> Amendments { get; init; } = [];

    /// <summary>The deciding vote, when a person decided (not an expiry).</summary>
    public ApprovalVote? DecidingVote => Votes.Count == 0 ? null : Votes[^1];
}
