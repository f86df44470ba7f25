namespace ChatAgent.Core.Storage;

/// <summary>
/// The launch key a delivery launches under: its own when it was claimed now, an earlier delivery's when it is a replay
/// (the caller launches under it anyway, so a first attempt that crashed before launching still launches once).
/// </summary>
public sealed record WebhookDeliveryClaim(string LaunchKey, bool Replay);
