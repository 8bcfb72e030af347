using System.ComponentModel;
using System.Text.Json;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Gatehouse.TestServer;

/// <summary>The resources and the resource template the conformance suite reads and subscribes to.</summary>
[McpServerResourceType]
public static class TestResources
{
    [McpServerResource(UriTemplate = "test://static-text", Name = "static-text", MimeType = "text/plain")]
    [Description("A fixed text resource.")]
    public static string StaticText() => "This is the content of the static text resource.";

    [McpServerResource(UriTemplate = "test://static-binary", Name = "static-binary", MimeType = "image/png")]
    [Description("A fixed binary resource: a 1x1 PNG.")]
    public static BlobResourceContents StaticBinary() => BlobResourceContents.FromBytes(TestMedia.Png, "test://static-binary", "image/png");

    [McpServerResource(UriTemplate = "test://template/{id}/data", Name = "template-data", MimeType = "application/json")]
    [Description("JSON data for the given id, to test URI template substitution.")]
    public static TextResourceContents TemplateData([Description("Any id")] string id) => new()
    {
        Uri = $"test://template/{id}/data",
        MimeType = "application/json",
        Text = JsonSerializer.Serialize(new Dictionary<string, object> { ["id"] = id, ["templateTest"] = true, ["data"] = $"Data for ID: {id}" }),
    };

    [McpServerResource(UriTemplate = "test://watched-resource", Name = "watched-resource", MimeType = "text/plain")]
    [Description("A resource to subscribe to; the test_notify_resource_updated tool announces changes to it.")]
    public static string WatchedResource() => "Watched resource content";
}
