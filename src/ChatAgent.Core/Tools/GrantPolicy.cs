namespace ChatAgent.Core.Tools;

/// <summary>
/// Whether an approver may turn an approval into a standing grant (<c>approval: { grants: { on, max_for } }</c>; absent:
/// the tool is not grantable, the default). <see cref="On"/>: the top-level parameters a grant is bound to, taken from the
/// approved call (e.g. <c>[service, env]</c>: a grant from <c>service=api, env=staging</c> covers only those); empty: every
/// top-level parameter of the call. <see cref="MaxFor"/>: the longest a grant may last.
/// </summary>
public sealed record GrantPolicy(IReadOnlyList<string> On, TimeSpan MaxFor)
{
    public static readonly TimeSpan DefaultMaxFor = TimeSpan.FromHours(1);

    /// <summary>The longest any policy may allow (a grant is a shortcut for a shift, not a permanent exemption).</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromDays(7);

    /// <summary>What the card's button offers: one hour, or the policy's maximum when that is shorter.</summary>
    public TimeSpan Offered => MaxFor < DefaultMaxFor ? MaxFor : DefaultMaxFor;
}
