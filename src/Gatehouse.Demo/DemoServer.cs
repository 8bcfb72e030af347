using Gatehouse.Demo.Catalog;
using Gatehouse.Demo.Data;
using Gatehouse.Demo.Resources;
using Gatehouse.Demo.Tools;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Gatehouse.Demo;

/// <summary>
/// The bundled demo upstream: an MCP server that offers exactly the tools and resources of the
/// Listmonk MCP server, backed by a local SQLite database instead of a Listmonk instance.
/// </summary>
public static partial class DemoServer
{
    private const string Version = "1.0.0";

    // The revision from which a missing resource is reported as invalid params; the SDK's own helper is internal.
    private const string InvalidParamsForMissingResourceSince = "2026-07-28";

    /// <summary>Builds the server on <paramref name="transport"/>; the caller runs it with <see cref="McpServer.RunAsync"/> and owns the transport.</summary>
    /// <remarks>Creates and seeds the database on first use, so a bad path fails here rather than on the first call.</remarks>
    public static McpServer Create(ITransport transport, DemoServerOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(options);
        loggerFactory ??= NullLoggerFactory.Instance;

        var catalog = ListmonkCatalog.Instance;
        var (database, seeded) = DemoDatabase.Open(options.DatabasePath);
        if (seeded)
        {
            LogSeeded(loggerFactory.CreateLogger(typeof(DemoServer)), options.DatabasePath);
        }

        var time = options.TimeProvider;
        var subscribers = new SubscriberStore(database, time);
        var lists = new MailingListStore(database, time);
        var campaigns = new CampaignStore(database, time);
        var templates = new TemplateStore(database, time);

        var tools = new ListmonkTools(
            catalog,
            new HealthTools(database, time).Handlers,
            new SubscriberTools(subscribers).Handlers,
            new MailingListTools(lists, subscribers).Handlers,
            new CampaignTools(campaigns, new CampaignSender(database, time, loggerFactory.CreateLogger<CampaignSender>())).Handlers,
            new TemplateTools(templates, new TransactionalMailer(database, time)).Handlers);
        var resources = new ListmonkResources(catalog, subscribers, lists, campaigns, templates);

        var serverOptions = new McpServerOptions
        {
            ServerInfo = new Implementation { Name = catalog.ServerName, Version = Version },
            Handlers = new McpServerHandlers
            {
                ListToolsHandler = (_, _) => ValueTask.FromResult(new ListToolsResult { Tools = [.. catalog.Tools] }),
                CallToolHandler = (request, _) => ValueTask.FromResult(tools.Call(request.Params!)),
                ListResourcesHandler = (_, _) => ValueTask.FromResult(new ListResourcesResult { Resources = [.. catalog.Resources] }),
                ListResourceTemplatesHandler = (_, _) =>
                    ValueTask.FromResult(new ListResourceTemplatesResult { ResourceTemplates = [.. catalog.ResourceTemplates] }),
                ReadResourceHandler = (request, _) => ValueTask.FromResult(resources.Read(
                    request.Params!.Uri,
                    MissingResourceCode(request.Server.NegotiatedProtocolVersion))),
            },
        };
        return McpServer.Create(transport, serverOptions, loggerFactory);
    }

    /// <summary>
    /// Serves MCP over this process's stdin and stdout until stdin closes or <paramref name="cancellationToken"/>
    /// is cancelled; either ends it normally. Stdout carries only the protocol, so give a logger
    /// factory that writes to stderr.
    /// </summary>
    public static async Task RunStdioAsync(DemoServerOptions options, ILoggerFactory? loggerFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);

        await using var transport = new StdioServerTransport(ListmonkCatalog.Instance.ServerName, loggerFactory);
        await using var server = Create(transport, options, loggerFactory);
        try
        {
            await server.RunAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancellation is how the host asks the demo to stop, not a failure.
        }
    }

    /// <summary>Protocol versions are ISO dates, so ordinal order is release order.</summary>
    private static McpErrorCode MissingResourceCode(string? protocolVersion) =>
        string.CompareOrdinal(protocolVersion, InvalidParamsForMissingResourceSince) >= 0 ? McpErrorCode.InvalidParams : McpErrorCode.ResourceNotFound;

    [LoggerMessage(Level = LogLevel.Information, Message = "Created and seeded the demo mailing-list database at {DatabasePath}")]
    private static partial void LogSeeded(ILogger logger, string databasePath);
}
