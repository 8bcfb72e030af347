using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gatehouse.Admin;
using Gatehouse.Configuration;
using Gatehouse.Decisions;
using Gatehouse.Demo;
using Gatehouse.Hosting;
using Gatehouse.OperatorConsole;
using Gatehouse.Store.ApiKeys;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Gatehouse.Cli;

/// <summary>
/// One command to see Gatehouse work: the gateway in front of the bundled demo mailing-list server, with a
/// configuration written where the operator can read and reuse it.
/// </summary>
internal static class DemoCommand
{
    public const string ServerName = "listmonk";

    private const string Identity = "demo";

    /// <summary>Who the console's sign-in link signs in as: the person running the demo.</summary>
    private const string ConsoleOperator = "demo-operator";

    /// <summary>The policy that defines the product: send_campaign capped at 10 a minute, every other tool denied and hidden.</summary>
    internal const string Policy = """
        {
          "version": "1",
          "default": "deny",
          "tools": {
            "send_campaign": {
              "limits": [
                { "counter": "send_campaign_rate", "window": "minute", "max": 10, "scope": "grant" }
              ]
            }
          }
        }

        """;

    public static Command Create()
    {
        var listen = CommonOptions.Listen();
        listen.DefaultValueFactory = _ => GatehouseConfig.DefaultListen;
        var directory = new Option<DirectoryInfo>("--dir")
        {
            Description = "Where the demo keeps its configuration and mailing-list database.",
            DefaultValueFactory = _ => new DirectoryInfo("gatehouse-demo"),
        };
        var command = new Command("demo",
            "Start the gateway on 127.0.0.1 in front of a bundled demo mailing-list MCP server (the Listmonk server's tools), " +
            "and print how to point Claude Desktop, Cursor or VS Code at it.\n\n" +
            "Example:\n  gatehouse demo --listen http://127.0.0.1:8080")
        {
            listen,
            directory,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var dir = parse.GetRequiredValue(directory);
            dir.Create();
            var configFile = WriteConfiguration(dir, parse.GetValue(listen) ?? GatehouseConfig.DefaultListen);
            if (CommonOptions.LoadConfig(configFile, parse.InvocationConfiguration.Error) is not { } config)
            {
                return ExitCodes.Failed;
            }

            if (CommonOptions.BuildGateway(config, listen: null, parse.InvocationConfiguration.Error) is not { } app)
            {
                return ExitCodes.Failed;
            }

            await using var _ = app;
            await app.StartAsync(cancellationToken);
            var (gateway, consoleAddress) = GatewayListeners.Addresses(app);
            var url = $"{gateway}/mcp/{ServerName}";
            var console = $"{consoleAddress}{await ConsoleLinkAsync(app.Services, cancellationToken)}";
            output.WriteLine(Describe(url, console, config, Path.Combine(dir.FullName, "listmonk.db")));
            await ListInCatalogAsync(app.Services, config, output, cancellationToken);
            await app.WaitForShutdownAsync(cancellationToken);
            output.WriteLine($"Stopped. The demo's outbox holds {DemoMailbox.CountOutbox(Path.Combine(dir.FullName, "listmonk.db"))} emails that send_campaign would have sent.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static FileInfo WriteConfiguration(DirectoryInfo dir, string listen)
    {
        var (command, prefix) = SelfLaunch.Resolve();
        var config = new JsonObject
        {
            ["listen"] = listen,
            ["dataDir"] = "./data",
            ["mcpServers"] = new JsonObject
            {
                [ServerName] = new JsonObject
                {
                    ["command"] = command,
                    ["args"] = new JsonArray([.. prefix.Select(p => (JsonNode)p!), "demo-server", "--db", "./listmonk.db"]),
                    ["cwd"] = ".",
                },
            },
            ["grants"] = new JsonArray(new JsonObject
            {
                ["id"] = "demo",
                ["server"] = ServerName,
                ["identities"] = new JsonArray(Identity),
                ["policy"] = "./policy.json",
            }),
            ["auth"] = new JsonObject { ["anonymous"] = Identity },
        };
        var policy = Path.Combine(dir.FullName, "policy.json");
        if (!File.Exists(policy))
        {
            // The operator may have edited it since: their policy is theirs.
            File.WriteAllText(policy, Policy);
        }

        var file = new FileInfo(Path.Combine(dir.FullName, "gatehouse.json"));
        File.WriteAllText(file.FullName, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return file;
    }

    /// <summary>
    /// Lists the demo server into the catalog, so that the console's link opens on its tools and their risks rather than
    /// on an empty catalog; the demo goes on without it when the server cannot be listed.
    /// </summary>
    private static async Task ListInCatalogAsync(IServiceProvider services, GatehouseConfig config, TextWriter output, CancellationToken cancellationToken)
    {
        try
        {
            await services.GetRequiredService<CatalogRefresh>().RefreshAsync(config.McpServers[ServerName], cancellationToken);
        }
        catch (UpstreamUnreachableException e)
        {
            output.WriteLine($"The catalog could not list the demo server yet ({e.Message}); refresh it from the console's Catalog page.");
        }
    }

    /// <summary>A key for the person running the demo, and a link that signs in with it once.</summary>
    private static async Task<string> ConsoleLinkAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var (key, _) = await services.GetRequiredService<IApiKeyStore>().CreateAsync(ConsoleOperator, roles: [Roles.Admin], cancellationToken: cancellationToken);
        return services.GetRequiredService<ConsoleSignInLinks>().Create(key);
    }

    private static string Describe(string url, string console, GatehouseConfig config, string database)
    {
        var (command, prefix) = SelfLaunch.Resolve();
        var stdioArgs = JsonSerializer.Serialize(prefix.Concat(["stdio", "--config", config.ConfigPath, "--server", ServerName]));
        return $$"""
            Gatehouse demo is running.

              Console:        {{console}}
                              (signs you in once, within 15 minutes; see the tools' risks, build a policy)
              Gateway URL:    {{url}}
              Upstream:       the bundled demo mailing-list server (19 Listmonk tools; send_campaign only records emails)
              Configuration:  {{config.ConfigPath}}
              Mailing list:   {{database}}
              Policy:         {{Path.Combine(Path.GetDirectoryName(config.ConfigPath)!, "policy.json")}}
                              only send_campaign is listed and callable, at most 10 calls a minute;
                              every other tool is denied and hidden. Edit the file: it applies within a second.

            Point your MCP client at it:

              Cursor (~/.cursor/mcp.json):
                { "mcpServers": { "{{ServerName}}": { "url": "{{url}}" } } }

              VS Code (.vscode/mcp.json):
                { "servers": { "{{ServerName}}": { "type": "http", "url": "{{url}}" } } }

              Claude Desktop (claude_desktop_config.json), over stdio:
                { "mcpServers": { "{{ServerName}}": { "command": {{JsonSerializer.Serialize(command)}}, "args": {{stdioArgs}} } } }

            In another terminal, with --config {{config.ConfigPath}}:

              {{$"gatehouse catalog {ServerName}",-36}}the server's tools: category, risk, why, pinned
              {{$"gatehouse policy suggest {ServerName}",-36}}a starting policy from the catalog
              {{"gatehouse audit tail -f",-36}}every decision, as it is made

            Press Ctrl+C to stop.
            """;
    }
}
