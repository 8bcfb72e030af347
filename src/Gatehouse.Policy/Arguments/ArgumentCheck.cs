using System.Text.Json;

namespace Gatehouse.Policy.Arguments;

/// <summary>Everything a rule checks in a call's arguments, in order: the schema first, then each condition.</summary>
internal sealed class ArgumentCheck(IReadOnlyList<IArgumentTest> tests)
{
    // MCP lets a client leave arguments out; checks then see an empty object, so required values are missing.
    private static readonly JsonElement _noArguments = JsonElement.Parse("{}");

    public IReadOnlyList<IArgumentTest> Tests { get; } = tests;

    public static JsonElement OrEmpty(JsonElement? arguments) =>
        arguments is { ValueKind: not JsonValueKind.Undefined } given ? given : _noArguments;

    /// <summary>The first violation, or null when every test passes.</summary>
    public string? FindViolation(JsonElement? arguments)
    {
        var root = OrEmpty(arguments);
        foreach (var test in Tests)
        {
            if (test.Violation(root) is { } violation)
            {
                return violation;
            }
        }
        return null;
    }
}
