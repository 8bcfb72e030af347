using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Gatehouse.Policy.Parsing;

/// <summary>
/// Durations as operators write them: a whole number of seconds, a unit name (<c>second</c>, <c>minute</c>,
/// <c>hour</c>, <c>day</c>), or a compact string such as <c>"90s"</c> or <c>"1h30m"</c>.
/// </summary>
internal static partial class Durations
{
    // A year bounds every window and timeout so that arithmetic on them can never overflow downstream.
    private static readonly TimeSpan _longest = TimeSpan.FromDays(365);

    private static readonly (string Name, TimeSpan Value)[] _units =
        [("second", TimeSpan.FromSeconds(1)), ("minute", TimeSpan.FromMinutes(1)), ("hour", TimeSpan.FromHours(1)), ("day", TimeSpan.FromDays(1))];

    public const string Expected = "a whole number of seconds, \"second\", \"minute\", \"hour\", \"day\", or a duration such as \"90s\", \"5m\", \"1h30m\"";

    public static bool TryParse(JsonElement value, out TimeSpan duration, out string error)
    {
        duration = default;
        switch (value.ValueKind)
        {
            case JsonValueKind.Number when value.TryGetInt64(out var seconds):
                return Check(seconds, out duration, out error);
            case JsonValueKind.String:
                return TryParse(value.GetString()!, out duration, out error);
            default:
                error = $"must be {Expected}";
                return false;
        }
    }

    public static string Format(TimeSpan duration)
    {
        var text = new StringBuilder();
        Append(text, duration.Days, 'd');
        Append(text, duration.Hours, 'h');
        Append(text, duration.Minutes, 'm');
        Append(text, duration.Seconds, 's');
        return text.ToString();
    }

    private static bool TryParse(string text, out TimeSpan duration, out string error)
    {
        duration = default;
        foreach (var (name, unit) in _units)
        {
            if (text == name)
            {
                duration = unit;
                error = "";
                return true;
            }
        }
        var match = Compact().Match(text);
        if (text.Length == 0 || !match.Success)
        {
            error = $"\"{text}\" is not a duration; write {Expected}";
            return false;
        }
        long seconds = 0;
        long[] unitSeconds = [86400, 3600, 60, 1];
        for (var group = 1; group <= 4; group++)
        {
            if (!match.Groups[group].Success)
            {
                continue;
            }
            // Too many digits for a long is certainly longer than the longest duration.
            if (!long.TryParse(match.Groups[group].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
                || count > _longest.TotalSeconds)
            {
                error = $"\"{text}\" is longer than {_longest.TotalDays} days";
                return false;
            }
            seconds += count * unitSeconds[group - 1];
        }
        return Check(seconds, out duration, out error);
    }

    private static bool Check(long seconds, out TimeSpan duration, out string error)
    {
        duration = default;
        if (seconds <= 0)
        {
            error = "must be longer than zero";
            return false;
        }
        if (seconds > _longest.TotalSeconds)
        {
            error = $"must not be longer than {_longest.TotalDays} days";
            return false;
        }
        duration = TimeSpan.FromSeconds(seconds);
        error = "";
        return true;
    }

    private static void Append(StringBuilder text, int count, char unit)
    {
        if (count != 0)
        {
            text.Append(count.ToString(CultureInfo.InvariantCulture)).Append(unit);
        }
    }

    [GeneratedRegex(@"\A(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Compact();
}
