using Gatehouse.Cli;

namespace Gatehouse.Testing;

/// <summary>Runs the <c>gatehouse</c> command line in this process, capturing what it prints, as an operator's terminal would.</summary>
public static class CliRunner
{
    public static async Task<CliResult> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await GatehouseCli.RunAsync(args, output, error);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }
}

/// <summary>What a command exited with and printed.</summary>
public sealed record CliResult(int ExitCode, string Output, string Error);
