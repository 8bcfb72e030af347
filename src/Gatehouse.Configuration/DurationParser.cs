using System.Globalization;

namespace Gatehouse.Configuration;

/// <summary>
/// Durations as operators write them: a JSON number of seconds, or a whole number with one unit
/// (<c>500ms</c>, <c>90s</c>, <c>10m</c>, <c>2h</c>, <c>1d</c>). A bare numeric string is refused because
/// its unit would be a guess.
/// </summary>
public static class DurationParser
{
    private static readonly (string Suffix, long TicksPerUnit)[] Units =
    [
        // "ms" must be tried before "s" and "m", which it ends with and starts with.
        ("ms", TimeSpan.TicksPerMillisecond),
        ("s", TimeSpan.TicksPerSecond),
        ("m", TimeSpan.TicksPerMinute),
        ("h", TimeSpan.TicksPerHour),
        ("d", TimeSpan.TicksPerDay),
    ];

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        foreach (var (suffix, ticksPerUnit) in Units)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal))
            {
                return TryScale(text.AsSpan(0, text.Length - suffix.Length), ticksPerUnit, out duration);
            }
        }

        return false;
    }

    public static bool TryFromSeconds(double seconds, out TimeSpan duration)
    {
        duration = default;
        if (!double.IsFinite(seconds) || seconds < 0 || seconds > TimeSpan.MaxValue.TotalSeconds)
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(seconds);
        return true;
    }

    private static bool TryScale(ReadOnlySpan<char> digits, long ticksPerUnit, out TimeSpan duration)
    {
        duration = default;
        // NumberStyles.None admits digits only: no sign, no spaces, no separators.
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || count > TimeSpan.MaxValue.Ticks / ticksPerUnit)
        {
            return false;
        }

        duration = TimeSpan.FromTicks(count * ticksPerUnit);
        return true;
    }
}
