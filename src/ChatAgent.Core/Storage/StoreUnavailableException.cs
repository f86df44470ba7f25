namespace ChatAgent.Core.Storage;

/// <summary>
/// The store could not be reached (the database restarting, failing over, refusing connections). For an append the
/// outcome is unknown: it may have committed before the connection dropped. Retrying the same append at the same
/// expected version is safe: if the first one committed, the retry fails with <see cref="ConcurrencyException"/>.
/// </summary>
public sealed class StoreUnavailableException(string message, Exception innerException) : Exception(message, innerException);
