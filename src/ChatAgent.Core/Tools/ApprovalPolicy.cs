using System.Text.Json.Serialization;

namespace ChatAgent.Core.Tools;

/// <summary>
/// Who may approve a tool call and what happens when nobody does. Approvers are platform-qualified
/// user ids (<c>slack:U123</c>) or groups (<c>group:deployers</c>, members from configuration).
/// An empty approver list means "anyone but, unless allowed, the requester". <see cref="Editable"/>: an approver may
/// change the call's parameters (within the tool's schema) before approving; <c>editable: false</c> forbids it.
/// <see cref="Grants"/>: whether an approval may become a standing grant (null: never). <see cref="DirectMessage"/>: each
/// approver (and, once escalated, each escalation target) also gets the card in a direct message, which decides as the
/// channel's card does and is updated with it.
/// </summary>
public sealed record ApprovalPolicy(
    IReadOnlyList<string> Approvers,
    int Quorum = 1,
    bool AllowSelfApproval = false,
    TimeSpan? ExpiresAfter = null,
    TimeSpan? RemindAfter = null,
    TimeSpan? EscalateAfter = null,
    IReadOnlyList<string>? EscalateTo = null,
    bool Confirm = false,
    bool Editable = true,
    GrantPolicy? Grants = null,
    // Omitted while false, so every policy written before it existed reads and writes back the same.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool DirectMessage = false)
{
    public static readonly TimeSpan DefaultExpiry = TimeSpan.FromHours(1);

    public static ApprovalPolicy Default { get; } = new([], ExpiresAfter: DefaultExpiry);

    /// <summary>The expiry to use: <see cref="ExpiresAfter"/>, or one hour when unset. Derived, so never stored.</summary>
    /// <remarks><see cref="ExpiresAfter"/> is nullable (not <c>TimeSpan = default</c>) so the OpenAPI schema exporter can describe it.</remarks>
    [JsonIgnore]
    public TimeSpan EffectiveExpiry => ExpiresAfter is { } after && after > TimeSpan.Zero ? after : DefaultExpiry;

    /// <summary>What a card's "Approve and allow for …" offers (<see cref="GrantPolicy.Offered"/>); null when the tool is not grantable. Derived, so never stored.</summary>
    [JsonIgnore]
    public TimeSpan? GrantOffer => Grants is { } grants && Quorum <= 1 ? grants.Offered : null;
}
