using System.Globalization;
using Gatehouse.Audit;
using Gatehouse.Policy;

namespace Gatehouse.Admin;

/// <summary>
/// Reads an audit query as people write it, on the command line or in the admin API's query string: times as
/// ISO 8601 (<c>2026-12-01T09:00:00Z</c>) or as a duration back from now (<c>1h</c>, <c>7d</c>).
/// </summary>
public static class AuditQueryText
{
    /// <summary>The query, or null with <paramref name="error"/> saying which value is wrong and what would do.</summary>
    public static AuditQuery? Parse(IReadOnlyDictionary<string, string?> values, DateTimeOffset now, out string? error)
    {
        ArgumentNullException.ThrowIfNull(values);
        error = null;
        DateTimeOffset? since = null, until = null;
        long? before = null;
        var limit = 100;
        if (Value(values, "since") is { } sinceText && !TryTime(sinceText, now, out since))
        {
            error = TimeError("since", sinceText);
            return null;
        }

        if (Value(values, "until") is { } untilText && !TryTime(untilText, now, out until))
        {
            error = TimeError("until", untilText);
            return null;
        }

        if (Value(values, "limit") is { } limitText
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > AuditQuery.MaxLimit))
        {
            error = $"limit must be a whole number from 1 to {AuditQuery.MaxLimit}, not '{limitText}'.";
            return null;
        }

        if (Value(values, "before") is { } beforeText)
        {
            if (!long.TryParse(beforeText, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) || sequence < 1)
            {
                error = $"before must be a record's sequence number, not '{beforeText}'.";
                return null;
            }

            before = sequence;
        }

        return new AuditQuery
        {
            Identity = Value(values, "identity"),
            Target = Value(values, "tool"),
            Decision = Value(values, "decision"),
            Server = Value(values, "server"),
            Grant = Value(values, "grant"),
            Kind = Value(values, "kind"),
            Since = since,
            Until = until,
            Before = before,
            Limit = limit,
        };
    }

    /// <summary>A time as ISO 8601, or a duration back from <paramref name="now"/>.</summary>
    public static bool TryTime(string text, DateTimeOffset now, out DateTimeOffset? time)
    {
        ArgumentNullException.ThrowIfNull(text);
        time = null;
        if (Durations.TryParse(text, out var ago, out _))
        {
            time = now - ago;
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            time = at;
            return true;
        }

        return false;
    }

    private static string? Value(IReadOnlyDictionary<string, string?> values, string name) =>
        values.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;

    private static string TimeError(string name, string text) =>
        $"{name} must be a time such as 2026-12-01T09:00:00Z or a duration back from now such as 1h or 7d, not '{text}'.";
}
