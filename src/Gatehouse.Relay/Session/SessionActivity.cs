namespace Gatehouse.Relay.Session;

/// <summary>When a message last passed through a session, in either direction: what tells an idle session.</summary>
internal sealed class SessionActivity
{
    private readonly TimeProvider _time;
    private long _lastTimestamp;

    public SessionActivity(TimeProvider time)
    {
        _time = time;
        Touch();
    }

    public DateTimeOffset Last => _time.GetUtcNow() - _time.GetElapsedTime(Interlocked.Read(ref _lastTimestamp));

    public void Touch() => Interlocked.Exchange(ref _lastTimestamp, _time.GetTimestamp());
}
