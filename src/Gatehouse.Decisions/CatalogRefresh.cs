using System.Text.Json.Nodes;
using Gatehouse.Catalog;
using Gatehouse.Configuration;
using Gatehouse.Relay;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Decisions;

/// <summary>
/// Connects to a server as a client of Gatehouse's own and records everything it lists in the catalog, as the
/// gateway does when an agent's session lists it: so that the catalog works whether or not an agent has used the
/// server yet. The command line (<c>gatehouse catalog --refresh</c>) and the operator console both list through it.
/// </summary>
public sealed class CatalogRefresh(IHttpClientFactory httpClientFactory, ILoggerFactory loggerFactory, ToolCatalog catalog)
{
    // A server that does not answer must not hang a command an operator typed, or a page an operator waits on.
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Lists every tool, resource, resource template and prompt <paramref name="server"/> offers, into the catalog.
    /// Throws <see cref="UpstreamUnreachableException"/> when the server cannot be reached or does not answer.
    /// </summary>
    public async Task RefreshAsync(UpstreamServerConfig server, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (!ListsItself(server))
        {
            throw new UpstreamUnreachableException(PersonalCatalogNote(server.Name));
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_timeout);
        var ct = timeout.Token;
        var connector = new UpstreamConnector(httpClientFactory, loggerFactory);
        var options = new McpClientOptions { ClientInfo = new Implementation { Name = "gatehouse-catalog", Version = "1.0.0" } };
        try
        {
            await using var client = await connector.ConnectClientAsync(server, options, ct).ConfigureAwait(false);
            var offers = client.ServerCapabilities;
            if (offers.Tools is not null)
            {
                await catalog.ViewAsync(server.Name, UpstreamTools.ByName(await ListAsync(client, RequestMethods.ToolsList, "tools", ct).ConfigureAwait(false)), ct)
                    .ConfigureAwait(false);
            }

            if (offers.Resources is not null)
            {
                await catalog.ObserveAsync(server.Name, CatalogKind.Resource,
                    await ItemsAsync(client, RequestMethods.ResourcesList, "resources", ct).ConfigureAwait(false), ct).ConfigureAwait(false);
                await catalog.ObserveAsync(server.Name, CatalogKind.ResourceTemplate,
                    await ItemsAsync(client, RequestMethods.ResourcesTemplatesList, "resourceTemplates", ct).ConfigureAwait(false), ct).ConfigureAwait(false);
            }

            if (offers.Prompts is not null)
            {
                await catalog.ObserveAsync(server.Name, CatalogKind.Prompt,
                    await ItemsAsync(client, RequestMethods.PromptsList, "prompts", ct).ConfigureAwait(false), ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new UpstreamUnreachableException($"Server '{server.Name}' did not answer within {s_timeout.TotalSeconds:0} s.");
        }
        catch (Exception e) when (e is IOException or HttpRequestException or McpException or InvalidOperationException or ArgumentException)
        {
            throw new UpstreamUnreachableException($"Could not list what server '{server.Name}' offers: {e.Message}", e);
        }
    }

    /// <summary>
    /// Whether Gatehouse lists <paramref name="server"/> on its own. Not a server that requires each person's own account
    /// (<c>oauth</c>): it answers Gatehouse's own requests 401, and what it lists may depend on the person; its catalog is
    /// what connected people's clients list through the gateway, pinned and scanned as any other.
    /// </summary>
    public static bool ListsItself(UpstreamServerConfig server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return server.OAuth is null;
    }

    /// <summary>Why <paramref name="server"/>'s catalog is not listed by Gatehouse, and how it fills.</summary>
    public static string PersonalCatalogNote(string server) =>
        $"Server '{server}' requires each person's own account (oauth), so Gatehouse does not list it on its own: its catalog is what " +
        "connected people's clients list through the gateway, pinned and scanned as any other's. It fills when someone who connected lists its tools.";

    // Raw messages rather than the SDK's models: the catalog hashes definitions exactly as the server wrote them.
    private static Task<JsonArray> ListAsync(McpClient client, string method, string key, CancellationToken cancellationToken) =>
        UpstreamTools.ListAllAsync(async (name, parameters, ct) =>
            (await client.SendRequestAsync(new JsonRpcRequest { Method = name, Params = parameters }, ct).ConfigureAwait(false)).Result, method, key, cancellationToken);

    private static async Task<List<JsonObject>> ItemsAsync(McpClient client, string method, string key, CancellationToken cancellationToken) =>
        [.. (await ListAsync(client, method, key, cancellationToken).ConfigureAwait(false)).OfType<JsonObject>()];
}

/// <summary>Gatehouse could not reach the upstream server it needed to list.</summary>
public sealed class UpstreamUnreachableException : Exception
{
    /// <summary>The server could not be listed, for the reason <paramref name="message"/> gives.</summary>
    public UpstreamUnreachableException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
