namespace ChatAgent.Core.Events;

/// <summary>
/// One person's decision on an approval (the envelope's actor says who). With a quorum above one,
/// several grants are needed; a single denial settles it.
/// </summary>
public sealed record ApprovalDecided(string ApprovalId, bool Granted, string? Comment, string ParametersHash) : ThreadEvent;
