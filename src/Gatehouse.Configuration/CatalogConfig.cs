namespace Gatehouse.Configuration;

/// <summary>The tool catalog: every tool's definition pinned on first sight, a changed or flagged one withheld until accepted.</summary>
public sealed record CatalogConfig
{
    /// <summary>
    /// When the store that holds the pins cannot be reached: false (the default) withholds the tools whose definitions
    /// cannot be checked; true lets them be used unchecked, with an error in the log.
    /// </summary>
    public bool FailOpen { get; init; }
}
