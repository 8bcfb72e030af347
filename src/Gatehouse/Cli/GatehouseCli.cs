using System.CommandLine;

namespace Gatehouse.Cli;

/// <summary>The <c>gatehouse</c> command line.</summary>
public static class GatehouseCli
{
    /// <summary>Parses and runs <paramref name="args"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        var root = new RootCommand("Gatehouse: a policy gateway for MCP servers. Every tool call an agent makes passes the operator's rules.")
        {
            ServeCommand.Create(),
            StdioCommand.Create(),
            DemoCommand.Create(),
            DemoServerCommand.Create(),
            PolicyCommand.Create(),
            KeysCommand.Create(),
            OAuthCommand.Create(),
            AuditCommand.Create(),
            ApprovalsCommand.Create(),
            CatalogCommand.Create(),
        };

        var parse = root.Parse(args);
        var invocation = new InvocationConfiguration
        {
            Output = output ?? Console.Out,
            Error = error ?? Console.Error,
        };
        if (parse.Errors.Count > 0)
        {
            foreach (var parseError in parse.Errors)
            {
                invocation.Error.WriteLine(parseError.Message);
            }

            invocation.Error.WriteLine("Run 'gatehouse --help' for usage.");
            return ExitCodes.Usage;
        }

        return await parse.InvokeAsync(invocation);
    }
}
