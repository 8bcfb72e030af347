using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gatehouse.Relay.Tests.Differential;

/// <summary>What Gatehouse's decision reads of a message it let through, in the oracles' terms.</summary>
public static class GatewayReading
{
    /// <summary>The member <paramref name="name"/> of <paramref name="parent"/> as the decision point looks it up; null when absent.</summary>
    public static OracleValue? Member(JsonNode? parent, string name) =>
        parent is JsonObject members && members.TryGetPropertyValue(name, out var value) ? Of(value) : null;

    /// <summary>A value as the policy reads it: through a <see cref="JsonElement"/>, numbers as exact decimals.</summary>
    public static OracleValue Of(JsonNode? node) => Of(JsonSerializer.SerializeToElement(node));

    private static OracleValue Of(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var raw = element.EnumerateObject().Select(p => new KeyValuePair<string, OracleValue>(p.Name, Of(p.Value))).ToList();
                return raw.Select(p => p.Key).Distinct(StringComparer.Ordinal).Count() == raw.Count
                    ? OracleValue.Members.Of(raw)
                    : new OracleValue.Ambiguous("a name occurs twice");
            case JsonValueKind.Array:
                return new OracleValue.List([.. element.EnumerateArray().Select(Of)]);
            case JsonValueKind.String:
                try
                {
                    return new OracleValue.Text(element.GetString()!);
                }
                catch (InvalidOperationException ex)
                {
                    return new OracleValue.Ambiguous(ex.Message);
                }

            case JsonValueKind.Number:
                return new OracleValue.Number(OracleValue.ExactDecimal(element.GetRawText()));
            default:
                return new OracleValue.Literal(element.GetRawText());
        }
    }
}
