namespace Gatehouse.Hosting;

/// <summary>How to start this same Gatehouse again as a child process (the demo launches its upstream that way).</summary>
public static class SelfLaunch
{
    /// <summary>The command and the arguments that come before a subcommand.</summary>
    public static (string Command, IReadOnlyList<string> Prefix) Resolve()
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this process is unknown.");
        var entry = typeof(SelfLaunch).Assembly.Location;

        // Run as 'dotnet gatehouse.dll', the process is the dotnet host and the program is the assembly.
        return Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase)
            ? (process, [entry])
            : (process, []);
    }
}
