using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gatehouse.Policy.Json;

namespace Gatehouse.Policy;

/// <summary>
/// The one way Gatehouse reads a duration, in a policy, in <c>gatehouse.json</c> and on the command line: a number
/// of seconds (<c>90</c>, <c>0.5</c>), a unit (<c>"second"</c>, <c>"minute"</c>, <c>"hour"</c>, <c>"day"</c>), or
/// whole numbers with units d, h, m, s and ms in that order (<c>"90s"</c>, <c>"1h30m"</c>, <c>"500ms"</c>). A
/// duration is longer than zero, whole in milliseconds, and at most <see cref="Longest"/>.
/// </summary>
public static partial class Durations
{
    /// <summary>
    /// Longer than any window, timeout, lifetime or retention an operator sets, and short enough that no date
    /// Gatehouse handles overflows when it is added or taken away.
    /// </summary>
    public static readonly TimeSpan Longest = TimeSpan.FromDays(36500);

    /// <summary>
    /// The longest a timeout may be: what a timer can wait (about 24.8 days in milliseconds as a whole number), so
    /// that a timeout an operator sets is one that can actually fire, never an error when it is first used.
    /// </summary>
    public static readonly TimeSpan LongestTimeout = TimeSpan.FromDays(24);

    /// <summary>Why <paramref name="duration"/> cannot be a timeout, or null when it can.</summary>
    public static string? TimeoutError(TimeSpan duration) =>
        duration > LongestTimeout ? $"must not be longer than {LongestTimeout.TotalDays} days, the longest a timer waits" : null;

    /// <summary>What a duration may be, for error messages.</summary>
    public const string Expected =
        "a number of seconds, \"second\", \"minute\", \"hour\", \"day\", or whole numbers with units d, h, m, s, ms in that order, " +
        "such as \"90s\", \"1h30m\", \"500ms\"";

    private static readonly string[] s_names = ["second", "minute", "hour", "day"];

    private static readonly long[] s_namedMilliseconds = [1000, 60_000, 3_600_000, 86_400_000];

    // In the order of the compact form's groups.
    private static readonly long[] s_unitMilliseconds = [86_400_000, 3_600_000, 60_000, 1000, 1];

    private static readonly long s_longestMilliseconds = (long)Longest.TotalMilliseconds;

    private static readonly string s_tooLong = $"must not be longer than {Longest.TotalDays} days";

    /// <summary>Reads a duration written as text: a unit or whole numbers with units, never a bare number.</summary>
    /// <param name="text">The text; a bare number is refused, since its unit would be a guess.</param>
    /// <param name="duration">The duration read, when it is one.</param>
    /// <param name="error">Why <paramref name="text"/> is no duration, to follow the name of the field.</param>
    public static bool TryParse(string text, out TimeSpan duration, out string error)
    {
        ArgumentNullException.ThrowIfNull(text);
        var named = Array.IndexOf(s_names, text);
        if (named >= 0)
        {
            return Check(s_namedMilliseconds[named], out duration, out error);
        }

        duration = default;
        var match = Compact().Match(text);
        if (text.Length == 0 || !match.Success)
        {
            error = $"{PolicyPath.Quote(text)} is not a duration; write {Expected}{Hint(text)}";
            return false;
        }

        long milliseconds = 0;
        for (var group = 1; group < match.Groups.Count; group++)
        {
            if (!match.Groups[group].Success)
            {
                continue;
            }

            var unit = s_unitMilliseconds[group - 1];
            // Too many digits for a long is certainly longer than the longest duration.
            if (!long.TryParse(match.Groups[group].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
                || count > s_longestMilliseconds / unit)
            {
                error = s_tooLong;
                return false;
            }

            milliseconds += count * unit;
        }

        return Check(milliseconds, out duration, out error);
    }

    /// <summary>Reads a duration written as a JSON number of seconds, such as <c>90</c>, <c>0.5</c> or <c>1e3</c>.</summary>
    /// <param name="number">The number as the JSON text spells it.</param>
    /// <param name="duration">The duration read, when it is one.</param>
    /// <param name="error">Why <paramref name="number"/> is no duration, to follow the name of the field.</param>
    public static bool TryParseSeconds(string number, out TimeSpan duration, out string error)
    {
        ArgumentNullException.ThrowIfNull(number);
        duration = default;
        const NumberStyles json = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
        if (!decimal.TryParse(number, json, CultureInfo.InvariantCulture, out var seconds))
        {
            // A number beyond decimal's range is far from any duration, on one side of zero or the other.
            error = !double.TryParse(number, json, CultureInfo.InvariantCulture, out var approximate) ? $"{number} is not a number of seconds"
                : approximate > 0 ? s_tooLong
                : "must be longer than zero";
            return false;
        }

        if (seconds > s_longestMilliseconds / 1000)
        {
            error = s_tooLong;
            return false;
        }

        var milliseconds = seconds * 1000;
        if (milliseconds > 0 && milliseconds != decimal.Truncate(milliseconds))
        {
            error = $"{number} seconds is not a whole number of milliseconds";
            return false;
        }

        return Check((long)milliseconds, out duration, out error);
    }

    /// <summary>The duration in the compact form <see cref="TryParse(string, out TimeSpan, out string)"/> reads back, e.g. <c>1h30m</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        var text = new StringBuilder();
        Append(text, duration.Days, "d");
        Append(text, duration.Hours, "h");
        Append(text, duration.Minutes, "m");
        Append(text, duration.Seconds, "s");
        Append(text, duration.Milliseconds, "ms");
        return text.ToString();
    }

    /// <summary>Reads a duration from a policy's JSON: a number of seconds or a string.</summary>
    internal static bool TryRead(JsonElement value, out TimeSpan duration, out string error)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                return TryParseSeconds(value.GetRawText(), out duration, out error);
            case JsonValueKind.String:
                return TryParse(value.GetString()!, out duration, out error);
            default:
                duration = default;
                error = $"must be {Expected}";
                return false;
        }
    }

    private static bool Check(long milliseconds, out TimeSpan duration, out string error)
    {
        duration = default;
        if (milliseconds <= 0)
        {
            error = "must be longer than zero";
            return false;
        }

        if (milliseconds > s_longestMilliseconds)
        {
            error = s_tooLong;
            return false;
        }

        duration = TimeSpan.FromTicks(milliseconds * TimeSpan.TicksPerMillisecond);
        error = "";
        return true;
    }

    // Units are lowercase, so a duration in capitals is most likely meant as written; otherwise a unit misspelt.
    private static string Hint(string text)
    {
        var lower = text.ToLowerInvariant();
        return lower != text && TryParse(lower, out _, out _) ? $"; did you mean {PolicyPath.Quote(lower)}?" : Suggestions.DidYouMean(text, s_names);
    }

    private static void Append(StringBuilder text, int count, string unit)
    {
        if (count != 0)
        {
            text.Append(count.ToString(CultureInfo.InvariantCulture)).Append(unit);
        }
    }

    // "m" is not followed by "s", so that "5ms" is five milliseconds rather than five minutes and a stray "s".
    [GeneratedRegex(@"\A(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m(?!s))?(?:([0-9]+)s)?(?:([0-9]+)ms)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Compact();
}
