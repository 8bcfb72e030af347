using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gatehouse.Demo;

/// <summary>
/// The JSON text the agent reads in tool results and resources: indented, and with quotes and
/// apostrophes left as they are, because the text goes into a JSON string, never into HTML.
/// </summary>
internal static class JsonText
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Write(JsonNode node) => node.ToJsonString(Options);
}
