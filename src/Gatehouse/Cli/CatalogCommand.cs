using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gatehouse.Catalog;
using Gatehouse.Configuration;
using Gatehouse.Decisions;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Cli;

/// <summary><c>gatehouse catalog SERVER | accept SERVER TOOL</c>: the tools behind a server, their class and pinned state.</summary>
internal static class CatalogCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var server = ServerArgument();
        var json = CommonOptions.Json();
        var refresh = Refresh();
        var command = new Command("catalog",
            "Show the tools of a server: category, risk, why, and whether each is pinned, changed or flagged (withheld until accepted). " +
            "Connects to the server itself when the catalog has not seen it yet, or with --refresh.\n\n" +
            "Examples:\n  gatehouse catalog listmonk\n  gatehouse catalog listmonk --refresh --json")
        {
            config, server, json, refresh, Accept(),
        };
        command.SetAction((parse, cancellationToken) => StoreCommands.RunAsync(parse, config, async (services, output) =>
        {
            if (await ReportAsync(services, parse, server, refresh, cancellationToken) is not { } report)
            {
                return ExitCodes.Usage;
            }

            if (parse.GetValue(json))
            {
                output.WriteLine(CatalogJson.Of(report).ToJsonString(CommonOptions.JsonOutput));
                return ExitCodes.Ok;
            }

            var withheld = report.Tools.Count(tool => tool.Withheld);
            output.WriteLine($"{report.Server}: {report.Tools.Count} tools ({report.Tools.Count - withheld} usable, {withheld} withheld), " +
                $"{report.OtherItems.Count(i => i.Kind == CatalogKind.Resource)} resources, " +
                $"{report.OtherItems.Count(i => i.Kind == CatalogKind.ResourceTemplate)} resource templates, " +
                $"{report.OtherItems.Count(i => i.Kind == CatalogKind.Prompt)} prompts");
            var width = Math.Clamp(report.Tools.Select(tool => tool.DisplayName.Length).DefaultIfEmpty(4).Max(), 4, 40);
            output.WriteLine($"{"TOOL".PadRight(width)}  {"CATEGORY",-11}  {"RISK",-8}  {"STATE",-11}  WHY");
            foreach (var tool in report.Tools)
            {
                output.WriteLine($"{tool.DisplayName.PadRight(width)}  {CatalogJson.Lower(tool.Classification.Category),-11}  " +
                    $"{CatalogJson.Lower(tool.Classification.Risk),-8}  {CatalogJson.Lower(tool.State),-11}  {tool.Classification.Rationale}");
                if (tool.WithheldBecause is { } because)
                {
                    output.WriteLine($"{"".PadRight(width)}  withheld: {because}");
                }
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>
    /// The catalog of the server named on the command line, listed from the server first when the catalog has never
    /// seen it or <paramref name="refresh"/> is given; null (with the reason printed) when the configuration has no such server.
    /// </summary>
    public static async Task<CatalogReport?> ReportAsync(IServiceProvider services, ParseResult parse, Argument<string> server, Option<bool> refresh,
        CancellationToken cancellationToken)
    {
        var name = parse.GetRequiredValue(server);
        var config = services.GetRequiredService<GatehouseConfig>();
        if (!config.McpServers.TryGetValue(name, out var upstream))
        {
            parse.InvocationConfiguration.Error.WriteLine(
                $"The configuration has no server '{name}'; its servers: {string.Join(", ", config.McpServers.Keys.Order(StringComparer.Ordinal))}.");
            return null;
        }

        var catalog = services.GetRequiredService<ToolCatalog>();
        var report = await catalog.ReportAsync(name, cancellationToken);
        var listAnew = parse.GetValue(refresh) || (report.Tools.Count == 0 && report.OtherItems.Count == 0);
        if (listAnew && !CatalogRefresh.ListsItself(upstream))
        {
            // Not an error: such a catalog fills from people's own sessions, and is shown as far as it has.
            parse.InvocationConfiguration.Error.WriteLine(CatalogRefresh.PersonalCatalogNote(name));
        }
        else if (listAnew)
        {
            await services.GetRequiredService<CatalogRefresh>().RefreshAsync(upstream, cancellationToken);
            report = await catalog.ReportAsync(name, cancellationToken);
        }

        return report;
    }

    public static Argument<string> ServerArgument() => new("server") { Description = "The server's name in the configuration's mcpServers." };

    public static Option<bool> Refresh() => new("--refresh") { Description = "List the server's tools anew from the server itself first." };

    private static Command Accept()
    {
        var config = CommonOptions.Config();
        var server = ServerArgument();
        var tool = new Argument<string>("tool") { Description = "The tool whose current definition to accept." };
        var yes = new Option<bool>("--yes", "-y") { Description = "Accept without asking (the difference is still printed)." };
        var reviewer = new Option<string>("--as")
        {
            Description = "Who accepts, for the audit log; your login name by default.",
            DefaultValueFactory = _ => Environment.UserName,
        };
        var refresh = Refresh();
        var command = new Command("accept",
            "Accept the definition a server lists now for a tool that is withheld (changed since it was pinned, or flagged by the poisoning scan): " +
            "prints what changed and what the scan found, asks, then pins it and records who accepted it in the audit log.\n\n" +
            "Example:\n  gatehouse catalog accept listmonk send_campaign")
        {
            config, server, tool, yes, reviewer, refresh,
        };
        command.SetAction((parse, cancellationToken) => StoreCommands.RunAsync(parse, config, async (services, output) =>
        {
            var error = parse.InvocationConfiguration.Error;
            if (await ReportAsync(services, parse, server, refresh, cancellationToken) is null)
            {
                return ExitCodes.Usage;
            }

            var catalog = services.GetRequiredService<ToolCatalog>();
            var serverName = parse.GetRequiredValue(server);
            var toolName = parse.GetRequiredValue(tool);
            if (await catalog.PendingAsync(serverName, toolName, cancellationToken) is not { } pending)
            {
                error.WriteLine($"Server '{serverName}' lists no tool '{toolName}' (try --refresh).");
                return ExitCodes.Failed;
            }

            var standing = pending.Standing;
            if (!standing.Withheld && standing.Pin is { Reviewed: true })
            {
                output.WriteLine($"Tool '{toolName}' of server '{serverName}' is already usable: its definition {standing.Definition.Hash[..12]} was accepted by {standing.Pin.PinnedBy}.");
                return ExitCodes.Ok;
            }

            output.WriteLine($"Tool '{toolName}' of server '{serverName}': {CatalogJson.Lower(standing.State)}" +
                (standing.WithheldBecause is { } because ? $" ({because})" : ""));
            foreach (var finding in standing.Findings)
            {
                output.WriteLine($"  poisoning scan: {finding}");
            }

            output.WriteLine(pending.PinnedDefinition is null
                ? "No definition of it is pinned yet; the definition listed now:"
                : $"The pinned definition ({standing.Pin!.Hash[..12]}, -) against the one listed now ({standing.Definition.Hash[..12]}, +):");
            output.Write(DefinitionDiff.Of(pending));
            if (!parse.GetValue(yes))
            {
                output.Write("Accept this definition? [y/N] ");
                if (Console.In.ReadLine()?.Trim().ToLowerInvariant() is not ("y" or "yes"))
                {
                    output.WriteLine("Not accepted; the tool stays withheld.");
                    return ExitCodes.Failed;
                }
            }

            var accepted = await catalog.AcceptAsync(serverName, toolName, parse.GetRequiredValue(reviewer), standing.Definition.Hash, cancellationToken);
            if (accepted.Outcome != AcceptOutcome.Accepted)
            {
                error.WriteLine($"Server '{serverName}' changed tool '{toolName}' again while you looked; nothing was accepted. Run the command again to see its new definition.");
                return ExitCodes.Failed;
            }

            output.WriteLine($"Accepted: tool '{toolName}' of server '{serverName}' is usable with definition {standing.Definition.Hash[..12]}.");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
