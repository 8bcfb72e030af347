namespace Gatehouse.Cli;

/// <summary>Exit codes every command keeps to, so scripts can rely on them.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>What was checked failed: an invalid configuration, a failing test, a broken chain.</summary>
    public const int Failed = 1;

    /// <summary>The command line itself was wrong.</summary>
    public const int Usage = 2;
}
