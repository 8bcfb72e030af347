namespace Gatehouse.Store.Database;

/// <summary>
/// Times are stored as Unix milliseconds: a plain integer reads and compares the same on SQLite and PostgreSQL,
/// with no time zone to lose.
/// </summary>
internal static class StoredTime
{
    public static long ToStored(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromStored(long milliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);

    /// <summary>The time as it will read back, so that what a store returns equals what it later lists.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset time) => FromStored(ToStored(time));
}
