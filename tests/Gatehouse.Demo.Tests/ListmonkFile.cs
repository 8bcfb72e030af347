using System.Text.Json.Nodes;

namespace Gatehouse.Demo.Tests;

/// <summary>listmonk-tools.json as shipped in the demo assembly, read independently of the server's own parsing.</summary>
internal static class ListmonkFile
{
    public static JsonObject Load()
    {
        using var stream = typeof(DemoServer).Assembly.GetManifestResourceStream("Gatehouse.Demo.listmonk-tools.json")!;
        return JsonNode.Parse(stream)!.AsObject();
    }
}
