using Gatehouse.Policy.Json;
using Gatehouse.Policy.Parsing;

namespace Gatehouse.Policy;

/// <summary>Turns policy text into a decision function, or into every reason it cannot.</summary>
public static class PolicyCompiler
{
    /// <summary>
    /// Compiles <paramref name="json"/>. A policy with any error is refused as a whole, so a half-understood
    /// policy is never in force.
    /// </summary>
    public static PolicyCompileResult Compile(string json)
    {
        var errors = new List<PolicyError>();
        using var source = JsonSource.Load(json, errors);
        var policy = source is null ? null : new PolicyParser(new NodeReader(new Diagnostics(source, errors))).Parse(source.Root);
        return new PolicyCompileResult(
            errors.Count == 0 ? policy : null,
            [.. errors.OrderBy(error => error.Line).ThenBy(error => error.Column)]);
    }
}
