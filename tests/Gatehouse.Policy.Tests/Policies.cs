using System.Text.Json;

namespace Gatehouse.Policy.Tests;

/// <summary>Shorthands that keep tests about policies, not about plumbing.</summary>
internal static class Policies
{
    public const string Verbatim = """
        { "version": "1", "default": "deny",
          "tools": { "send_campaign": { "limits": [
            { "counter": "send_campaign_rate", "window": "minute", "max": 10, "scope": "grant" } ] } } }
        """;

    public static CompiledPolicy Compile(string json)
    {
        var result = PolicyCompiler.Compile(json);
        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Errors));
        return result.Policy;
    }

    /// <summary>A policy of the given tool rules (the JSON of the "tools" object), default deny.</summary>
    public static CompiledPolicy Tools(string tools, string fallback = "deny") =>
        Compile($$"""{ "version": "1", "default": "{{fallback}}", "tools": {{tools}} }""");

    public static IReadOnlyList<PolicyError> Errors(string json)
    {
        var result = PolicyCompiler.Compile(json);
        Assert.False(result.Succeeded, "the policy compiled, but errors were expected");
        Assert.Null(result.Policy);
        return result.Errors;
    }

    /// <summary>The single error of a policy whose "tools" object is <paramref name="tools"/>.</summary>
    public static PolicyError ToolsError(string tools) =>
        Assert.Single(Errors($$"""{ "version": "1", "tools": {{tools}} }"""));

    public static JsonElement Args(string json) => JsonElement.Parse(json);
}
