using Gatehouse.Demo.Catalog;
using Microsoft.Data.Sqlite;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Demo.Tools;

/// <summary>Routes a tools/call to its handler and turns what it returns, or refuses, into a tool result.</summary>
internal sealed class ListmonkTools
{
    private readonly Dictionary<string, ToolHandler> _handlers;

    public ListmonkTools(ListmonkCatalog catalog, params IReadOnlyDictionary<string, ToolHandler>[] groups)
    {
        _handlers = groups.SelectMany(group => group).ToDictionary(StringComparer.Ordinal);

        // The catalog is the contract: a tool advertised without a handler, or handled without being
        // advertised, would make the demo differ from the real server.
        var advertised = catalog.Tools.Select(tool => tool.Name).ToHashSet(StringComparer.Ordinal);
        if (!advertised.SetEquals(_handlers.Keys))
        {
            throw new InvalidOperationException(
                $"Tool handlers and the catalog disagree: advertised without handler [{string.Join(", ", advertised.Except(_handlers.Keys))}], " +
                $"handled without being advertised [{string.Join(", ", _handlers.Keys.Except(advertised))}].");
        }
    }

    public CallToolResult Call(CallToolRequestParams request)
    {
        if (!_handlers.TryGetValue(request.Name, out var handler))
        {
            throw new McpProtocolException($"Unknown tool: '{request.Name}'", McpErrorCode.InvalidParams);
        }

        try
        {
            return Result(JsonText.Write(handler(new ToolArguments(request.Arguments))), isError: false);
        }
        catch (DemoRequestException refused)
        {
            return Result(refused.Message, isError: true);
        }
        catch (SqliteException failure)
        {
            return Result($"The Listmonk database failed: {failure.Message}", isError: true);
        }
    }

    private static CallToolResult Result(string text, bool isError) => new()
    {
        Content = [new TextContentBlock { Text = text }],
        IsError = isError,
    };
}
