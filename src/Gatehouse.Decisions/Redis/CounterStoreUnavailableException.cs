namespace Gatehouse.Decisions.Redis;

/// <summary>
/// The counter store could not be asked: the decision point cannot know whether a call has budget, so it
/// refuses it (fail closed) unless the operator chose to fail open.
/// </summary>
public sealed class CounterStoreUnavailableException : Exception
{
    public CounterStoreUnavailableException()
    {
    }

    public CounterStoreUnavailableException(string message)
        : base(message)
    {
    }

    public CounterStoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
