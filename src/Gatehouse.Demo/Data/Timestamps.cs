using System.Globalization;

namespace Gatehouse.Demo.Data;

/// <summary>One text form for every stored instant, so that stored values sort and compare as strings.</summary>
internal static class Timestamps
{
    public static string Format(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
