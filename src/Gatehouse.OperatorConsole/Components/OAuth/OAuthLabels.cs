namespace Gatehouse.OperatorConsole.Components.OAuth;

/// <summary>How the OAuth pages write times and ages.</summary>
internal static class OAuthLabels
{
    public static string When(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd HH:mm") ?? "never";

    /// <summary>How long ago <paramref name="at"/> was, as a person reads it on a queue.</summary>
    public static string Age(DateTimeOffset at, DateTimeOffset now)
    {
        var age = now - at;
        return age < TimeSpan.FromMinutes(1) ? $"{Math.Max(0, (int)age.TotalSeconds)} s ago"
            : age < TimeSpan.FromHours(1) ? $"{(int)age.TotalMinutes} min ago"
            : $"{(int)age.TotalHours} h {age.Minutes} min ago";
    }
}
