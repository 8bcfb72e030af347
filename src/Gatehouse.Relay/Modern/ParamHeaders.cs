using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay.Modern;

/// <summary>
/// The <c>Mcp-Param-{Name}</c> headers a tool's input schema asks for (<c>x-mcp-header</c> on a property reached by
/// <c>properties</c> alone): each must be present when its argument is, and say what the argument says. A component in
/// front of Gatehouse may route by them, so one that disagrees with the body is refused, as one that is missing.
/// </summary>
internal static partial class ParamHeaders
{
    /// <summary>The refusal of <paramref name="request"/>'s headers against <paramref name="tool"/>'s schema, or null when they agree.</summary>
    public static ModernRefusal? Check(IHeaderDictionary headers, JsonObject tool, JsonRpcRequest request)
    {
        var arguments = (request.Params as JsonObject)?["arguments"] as JsonObject;
        foreach (var (name, path) in Annotations(tool["inputSchema"] as JsonObject, []))
        {
            var header = ModernProtocol.ParamHeaderPrefix + name;
            var value = ValueAt(arguments, path);
            var sent = headers[header];
            if (value is null)
            {
                if (sent.Count > 0)
                {
                    return Mismatch($"the {header} header is sent, but the request has no argument '{string.Join('.', path)}' for it to mirror");
                }

                continue;
            }

            if (sent.Count != 1)
            {
                return Mismatch(sent.Count == 0
                    ? $"the {header} header is missing; the tool's schema asks for it whenever '{string.Join('.', path)}' is given"
                    : $"the {header} header is sent more than once");
            }

            if (ModernEnvelope.Decode(sent.ToString()) is not { } decoded || !Agrees(decoded, value))
            {
                return Mismatch($"the {header} header does not match the argument '{string.Join('.', path)}'");
            }
        }

        return null;
    }

    private static IEnumerable<(string Name, string[] Path)> Annotations(JsonObject? schema, string[] path)
    {
        if (schema?["properties"] is not JsonObject properties)
        {
            yield break;
        }

        foreach (var (key, node) in properties)
        {
            if (node is not JsonObject property)
            {
                continue;
            }

            string[] here = [.. path, key];
            if (property["x-mcp-header"] is JsonValue annotation && annotation.TryGetValue<string>(out var name))
            {
                yield return (name, here);
            }

            foreach (var nested in Annotations(property, here))
            {
                yield return nested;
            }
        }
    }

    private static JsonNode? ValueAt(JsonObject? arguments, string[] path)
    {
        JsonNode? node = arguments;
        foreach (var key in path)
        {
            node = (node as JsonObject)?[key];
        }

        return node;
    }

    // Strings as they are, booleans as true/false, integers by value (42.0 is 42), as the revision converts them.
    private static bool Agrees(string header, JsonNode value) => value.GetValueKind() switch
    {
        JsonValueKind.String => header == value.GetValue<string>(),
        JsonValueKind.True => header == "true",
        JsonValueKind.False => header == "false",
        JsonValueKind.Number => IntegerSpelling().IsMatch(header) &&
            decimal.TryParse(header, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var sent) &&
            decimal.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var given) && sent == given,
        _ => false,
    };

    // An integer as the revision writes one (42, -7), or with a zero fraction (42.0): no sign, padding or dot that a
    // component reading the header as text would see otherwise.
    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.0+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex IntegerSpelling();

    private static ModernRefusal Mismatch(string reason) =>
        new(StatusCodes.Status400BadRequest, ModernProtocol.HeaderMismatch, $"Header mismatch: {reason}.");
}
