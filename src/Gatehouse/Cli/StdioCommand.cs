using System.CommandLine;
using Gatehouse.Decisions;
using Gatehouse.Hosting;

namespace Gatehouse.Cli;

internal static class StdioCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var server = new Option<string>("--server", "-s") { Description = "The server of the configuration to serve.", Required = true };
        var identity = new Option<string?>("--identity")
        {
            Description = "The identity the local client acts as (its grant decides); defaults to the configuration's auth.anonymous.",
        };
        var command = new Command("stdio",
            "Serve one server of the configuration over this process's standard input and output, for MCP clients that only launch local servers.\n\n" +
            "Example (in a client's mcpServers block):\n  \"listmonk\": { \"command\": \"gatehouse\", \"args\": [\"stdio\", \"--config\", \"/etc/gatehouse/gatehouse.json\", \"--server\", \"listmonk\"] }")
        {
            config,
            server,
            identity,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (CommonOptions.LoadConfig(parse.GetRequiredValue(config), parse.InvocationConfiguration.Error) is not { } loaded)
            {
                return ExitCodes.Failed;
            }

            var name = parse.GetRequiredValue(server);
            if (!loaded.McpServers.ContainsKey(name))
            {
                parse.InvocationConfiguration.Error.WriteLine($"The configuration has no server named '{name}'; it has: {string.Join(", ", loaded.McpServers.Keys)}.");
                return ExitCodes.Usage;
            }

            if ((parse.GetValue(identity) ?? loaded.Auth.Anonymous) is not { } caller)
            {
                parse.InvocationConfiguration.Error.WriteLine("gatehouse stdio acts as one identity: give --identity NAME, or set auth.anonymous in the configuration.");
                return ExitCodes.Usage;
            }

            try
            {
                await StdioGateway.RunAsync(loaded, name, caller, cancellationToken);
            }
            catch (Exception ex) when (ex is PolicyLoadException or UnauthorizedAccessException)
            {
                parse.InvocationConfiguration.Error.WriteLine(ex.Message);
                return ExitCodes.Failed;
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
