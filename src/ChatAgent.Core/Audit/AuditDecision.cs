using ChatAgent.Core.Tools;

namespace ChatAgent.Core.Audit;

/// <summary>
/// One approval decision as an auditor reads it: who (display name and the platform identity verified by the adapter),
/// when, on which call (tool and the hash of the exact parameters), under which policy, the comment, and the
/// approval card's message reference when it was posted, and the approver's edits when they changed the call.
/// </summary>
public sealed record AuditDecision(
    DateTimeOffset At,
    string ThreadId,
    long Seq,
    string? Agent,
    string ApprovalId,
    string Decision,
    string Who,
    string ActorId,
    string? Tool,
    string ParametersHash,
    ApprovalPolicy? Policy,
    string? Comment,
    AuditMessageRef? Message)
{
    /// <summary>When the approver changed the call before approving it: what changed (the hash is the edited call's).</summary>
    public IReadOnlyList<Events.ParameterChange>? Changes { get; init; }

    /// <summary>When a standing grant decided (<c>approved_by_grant</c>): the grant; <see cref="Who"/> is the person who granted it.</summary>
    public string? Grant { get; init; }

    /// <summary>When the approver also allowed later calls for a while: the grant this approval created.</summary>
    public string? GrantCreated { get; init; }
}

/// <summary>Where the approval card was posted: the platform and its reference to the message.</summary>
public sealed record AuditMessageRef(string Platform, string Ref);
