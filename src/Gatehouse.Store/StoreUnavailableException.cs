namespace Gatehouse.Store;

/// <summary>
/// The state store could not answer (unreachable, timed out, unreadable file). Callers fail closed on it:
/// an API key that cannot be checked is refused as "store unavailable", never as a bad key, and never allowed.
/// The message names the backend and the cause, never credentials.
/// </summary>
public sealed class StoreUnavailableException : Exception
{
    /// <summary>Creates the exception for <paramref name="backend"/>.</summary>
    public StoreUnavailableException(StoreBackendKind backend, string message, Exception? innerException = null)
        : base(message, innerException) => Backend = backend;

    /// <summary>The backend that failed.</summary>
    public StoreBackendKind Backend { get; }
}
