using System.Text.Json.Nodes;

namespace Gatehouse.Demo.Resources;

/// <summary>What a resource read returns: text and its media type.</summary>
internal sealed record ResourceBody(string Text, string MimeType)
{
    public static ResourceBody Json(JsonNode rows) => new(JsonText.Write(rows), "application/json");

    public static ResourceBody Html(string html) => new(html, "text/html");
}
