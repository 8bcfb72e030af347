namespace Gatehouse.Store;

/// <summary>
/// Whether the state store answered its last request, and since when it has not: what <c>/readyz</c> says of the
/// store. It learns only from real work (no probe of its own), so it is as fresh as the traffic.
/// </summary>
public sealed class StoreHealth(TimeProvider time)
{
    private volatile Outage? _outage;

    /// <summary>Null while the store answers; otherwise since when it has not, and why.</summary>
    public Outage? Current => _outage;

    internal void Answered() => _outage = null;

    internal void Failed(string reason) => _outage = new Outage(_outage?.Since ?? time.GetUtcNow(), reason);

    /// <summary>The store has failed every request since <paramref name="Since"/>; the last failure said <paramref name="Reason"/>.</summary>
    public sealed record Outage(DateTimeOffset Since, string Reason);
}
