using System.CommandLine;
using Gatehouse.Demo;
using Gatehouse.Hosting;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Cli;

internal static class DemoServerCommand
{
    public static Command Create()
    {
        var database = new Option<FileInfo>("--db")
        {
            Description = "The demo's SQLite mailing-list database; created and seeded when missing.",
            DefaultValueFactory = _ => new FileInfo("listmonk-demo.db"),
        };
        var command = new Command("demo-server",
            "Run the bundled demo mailing-list MCP server (the Listmonk server's 19 tools and 12 resources) over stdio. " +
            "send_campaign records the emails it would send instead of sending them.\n\n" +
            "Example (in any client's mcpServers block):\n  \"listmonk-demo\": { \"command\": \"gatehouse\", \"args\": [\"demo-server\", \"--db\", \"/tmp/listmonk-demo.db\"] }")
        {
            database,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var loggerFactory = LoggerFactory.Create(logging => logging.ConfigureGatehouseLogging());
            var options = new DemoServerOptions { DatabasePath = parse.GetRequiredValue(database).FullName };
            await DemoServer.RunStdioAsync(options, loggerFactory, cancellationToken);
            return ExitCodes.Ok;
        });
        return command;
    }
}
