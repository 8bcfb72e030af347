namespace Gatehouse.Demo.Tests;

/// <summary>A clock that reads one instant, so stamped rows can be asserted exactly.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
