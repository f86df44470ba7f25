namespace ChatAgent.Core.Events;

/// <summary>
/// A standing grant was revoked (the envelope's actor says who): from this commit on it covers no call. Appended to the
/// thread the grant was created in, beside its <see cref="GrantCreated"/>.
/// </summary>
public sealed record GrantRevoked(string GrantId, string? Reason) : ThreadEvent;
