using System.CommandLine;
using Gatehouse.Hosting;
using Microsoft.Extensions.Hosting;

namespace Gatehouse.Cli;

internal static class ServeCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var listen = CommonOptions.Listen();
        var command = new Command("serve",
            "Run the gateway: every server of the configuration at /mcp/{server} over Streamable HTTP (and legacy SSE at /mcp/{server}/sse).\n\n" +
            "Example:\n  gatehouse serve --config gatehouse.json --listen http://127.0.0.1:8080")
        {
            config,
            listen,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (CommonOptions.LoadConfig(parse.GetRequiredValue(config), parse.InvocationConfiguration.Error) is not { } loaded)
            {
                return ExitCodes.Failed;
            }

            if (CommonOptions.BuildGateway(loaded, parse.GetValue(listen), parse.InvocationConfiguration.Error) is not { } app)
            {
                return ExitCodes.Failed;
            }

            await using var _ = app;
            await app.StartAsync(cancellationToken);
            var (gateway, console) = GatewayListeners.Addresses(app);
            parse.InvocationConfiguration.Error.WriteLine($"Gatehouse listens on {gateway}; servers: {string.Join(", ", loaded.McpServers.Keys.Select(s => $"{gateway}/mcp/{s}"))}");
            parse.InvocationConfiguration.Error.WriteLine($"The operator console is at {console}/ui");

            await app.WaitForShutdownAsync(cancellationToken);
            return ExitCodes.Ok;
        });
        return command;
    }
}
