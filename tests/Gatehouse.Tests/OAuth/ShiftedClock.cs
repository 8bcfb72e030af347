namespace Gatehouse.Tests.OAuth;

/// <summary>
/// The system's clock, moved ahead at will: days pass at once while timers keep to real time (a fake clock's jump would
/// fire every periodic timer of the gateway once for each period skipped).
/// </summary>
internal sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
}
