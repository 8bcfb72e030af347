using System.Text.Json;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Demo.Catalog;

/// <summary>
/// The public interface of the real Listmonk MCP server, read from the embedded listmonk-tools.json.
/// Serving the file's schema elements as they are is what keeps the demo indistinguishable from the
/// real server to a gateway that catalogues and pins tool definitions.
/// </summary>
internal sealed class ListmonkCatalog
{
    private const string ResourceName = "Gatehouse.Demo.listmonk-tools.json";

    private ListmonkCatalog(
        string serverName,
        IReadOnlyList<Tool> tools,
        IReadOnlyList<Resource> resources,
        IReadOnlyList<ResourceTemplate> resourceTemplates)
    {
        ServerName = serverName;
        Tools = tools;
        Resources = resources;
        ResourceTemplates = resourceTemplates;
    }

    public static ListmonkCatalog Instance { get; } = Load();

    public string ServerName { get; }

    public IReadOnlyList<Tool> Tools { get; }

    public IReadOnlyList<Resource> Resources { get; }

    public IReadOnlyList<ResourceTemplate> ResourceTemplates { get; }

    private static ListmonkCatalog Load()
    {
        using var stream = typeof(ListmonkCatalog).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource '{ResourceName}' is missing from the build.");
        using var document = JsonDocument.Parse(stream);
        var root = document.RootElement;

        var tools = root.GetProperty("tools").EnumerateArray()
            .Select(tool => new Tool
            {
                Name = tool.GetProperty("name").GetString()!,
                Description = tool.GetProperty("description").GetString(),
                InputSchema = tool.GetProperty("inputSchema").Clone(),
            })
            .ToList();

        var resources = new List<Resource>();
        var templates = new List<ResourceTemplate>();
        foreach (var entry in root.GetProperty("resources").EnumerateArray())
        {
            var description = entry.GetProperty("description").GetString();

            // The file gives no resource names and MCP requires one; the URI is the only stable identifier it has.
            if (entry.TryGetProperty("uriTemplate", out var template))
            {
                var uriTemplate = template.GetString()!;
                templates.Add(new ResourceTemplate { Name = uriTemplate, UriTemplate = uriTemplate, Description = description });
            }
            else
            {
                var uri = entry.GetProperty("uri").GetString()!;
                resources.Add(new Resource { Name = uri, Uri = uri, Description = description });
            }
        }

        var serverName = root.GetProperty("server").GetProperty("name").GetString()!;
        return new ListmonkCatalog(serverName, tools, resources, templates);
    }
}
