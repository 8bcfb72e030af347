using System.Text.Json;
using Json.Schema;

namespace Gatehouse.Policy.Arguments;

/// <summary>
/// The rule's JSON Schema (draft 2020-12), built once when the policy is compiled. Valid arguments are
/// checked with the cheapest output format; only a refusal pays for the detailed one, to name the path.
/// </summary>
internal sealed class SchemaTest(JsonSchema schema, string ruleId) : IArgumentTest
{
    private static readonly EvaluationOptions _quick = WithoutAnnotations(OutputFormat.Flag);
    private static readonly EvaluationOptions _detailed = WithoutAnnotations(OutputFormat.List);

    public string Label => "schema";

    public string? Violation(JsonElement arguments)
    {
        if (schema.Evaluate(arguments, _quick).IsValid)
        {
            return null;
        }
        var results = schema.Evaluate(arguments, _detailed);
        var failure = results.Details?.FirstOrDefault(detail => detail.Errors is { Count: > 0 }) ?? results;
        var error = failure.Errors?.FirstOrDefault() ?? default;
        var at = failure.EvaluationPath.ToString();
        // A failing "false" subschema (additionalProperties: false, say) reports no keyword of its own.
        var keyword = string.IsNullOrEmpty(error.Key) ? at[(at.LastIndexOf('/') + 1)..] : error.Key;
        var message = string.IsNullOrEmpty(error.Key) ? "is not allowed by the schema" : error.Value;
        var path = ArgumentPath.FromPointer(failure.InstanceLocation.ToString(), arguments);
        return $"argument {path}: {message} (schema {keyword} at {(at.Length == 0 ? "/" : at)}, rule {ruleId})";
    }

    // Only validity matters here; collecting annotations for output costs several times the check itself.
    // (The library still tracks what unevaluatedProperties and unevaluatedItems need.)
    private static EvaluationOptions WithoutAnnotations(OutputFormat format)
    {
        var options = new EvaluationOptions { OutputFormat = format };
        options.IgnoreAllAnnotations();
        return options;
    }
}
