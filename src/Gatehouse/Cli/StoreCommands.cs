using System.CommandLine;
using Gatehouse.Approvals;
using Gatehouse.Audit;
using Gatehouse.Catalog;
using Gatehouse.Decisions;
using Gatehouse.Hosting;
using Gatehouse.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Cli;

/// <summary>Runs a command against the configuration's state store, as the gateway itself would open it.</summary>
internal static class StoreCommands
{
    /// <summary>
    /// Opens the store of <paramref name="config"/>'s file, runs <paramref name="action"/> with its services, and turns
    /// an unreachable store into exit 1 and a rejected argument into exit 2.
    /// </summary>
    public static async Task<int> RunAsync(ParseResult parse, Option<FileInfo> config, Func<IServiceProvider, TextWriter, Task<int>> action,
        Action<IServiceCollection>? more = null)
    {
        var error = parse.InvocationConfiguration.Error;
        if (CommonOptions.LoadConfig(parse.GetRequiredValue(config), error) is not { } loaded)
        {
            return ExitCodes.Failed;
        }

        var services = new ServiceCollection()
            // A server's own chatter (the SDK logs what a server could not answer) is no business of a command's output.
            .AddLogging(logging => logging.ConfigureGatehouseLogging().SetMinimumLevel(LogLevel.Warning).AddFilter("ModelContextProtocol", LogLevel.Error))
            .AddGatehouseState(loaded)
            .AddSingleton(loaded)
            .AddGatehouseApprovals()
            .AddHttpClient()
            .AddSingleton<ToolCatalog>()
            .AddSingleton<CatalogRefresh>();
        more?.Invoke(services);
        await using var provider = services.BuildServiceProvider();
        try
        {
            return await action(provider, parse.InvocationConfiguration.Output);
        }
        catch (Exception ex) when (ex is StoreUnavailableException or AuditUnavailableException or ApprovalsUnavailableException or CatalogUnavailableException
                                       or UpstreamUnreachableException)
        {
            error.WriteLine(ex.Message);
            return ExitCodes.Failed;
        }
        catch (ArgumentException ex)
        {
            error.WriteLine(ex.Message);
            return ExitCodes.Usage;
        }
    }
}
