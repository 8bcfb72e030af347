using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Gatehouse.Demo.Data;

/// <summary>
/// Just enough of Listmonk's Go-template syntax for previews and transactional mail: the campaign
/// content slot, the subscriber's name and email, and transactional data fields. Anything else is
/// left as written, as a reader of a preview would expect to see it.
/// </summary>
internal static partial class TemplateRenderer
{
    public static bool HasContentSlot(string templateBody) => ContentSlot().IsMatch(templateBody);

    public static string RenderCampaign(string? templateBody, string campaignBody) =>
        templateBody is null ? campaignBody : ContentSlot().Replace(templateBody, _ => campaignBody);

    public static string RenderTransactional(string templateBody, string subscriberName, string subscriberEmail, JsonObject data) =>
        Field().Replace(templateBody, match => match.Groups["field"].Value switch
        {
            "Subscriber.Name" => subscriberName,
            "Subscriber.Email" => subscriberEmail,
            _ when match.Groups["key"].Success && data[match.Groups["key"].Value] is { } value => Text(value),
            _ => match.Value,
        });

    /// <summary>A JSON string renders as its content, anything else as its JSON text.</summary>
    private static string Text(JsonNode value) =>
        value is JsonValue scalar && scalar.TryGetValue<string>(out var text) ? text : value.ToJsonString();

    [GeneratedRegex("""\{\{\s*template\s+"content"\s+\.\s*\}\}""")]
    private static partial Regex ContentSlot();

    [GeneratedRegex("""\{\{\s*\.(?<field>Subscriber\.Name|Subscriber\.Email|Tx\.Data\.(?<key>\w+))\s*\}\}""")]
    private static partial Regex Field();
}
