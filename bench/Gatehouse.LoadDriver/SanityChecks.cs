using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;

namespace Gatehouse.LoadDriver;

/// <summary>
/// Proves, before anything is timed, that each target does what its row in the report claims: in particular
/// that the enforced target really decides arguments, so its numbers are the cost of a real decision.
/// </summary>
internal static class SanityChecks
{
    public sealed record Check(string Description, bool Passed, string Detail);

    public static async Task<IReadOnlyList<Check>> RunAsync(LoadTargets targets, CancellationToken cancellationToken)
    {
        var checks = new List<Check>(await EchoAsync(targets.All, cancellationToken));

        // One character over the condition's max_length: refused by the enforced policy only.
        var tooLong = new Dictionary<string, object?> { ["message"] = new string('x', 1001) };
        await using (var enforced = await targets.Enforced.ConnectAsync(cancellationToken))
        {
            var result = await enforced.CallToolAsync("echo", tooLong, cancellationToken: cancellationToken);
            var decision = Decision(result);
            checks.Add(new Check($"{targets.Enforced.Name}: a 1001-character message is refused as invalid_arguments",
                result.IsError == true && decision == "invalid_arguments", Describe(result)));
        }

        await using (var allowAll = await targets.AllowAll.ConnectAsync(cancellationToken))
        {
            var result = await allowAll.CallToolAsync("echo", tooLong, cancellationToken: cancellationToken);
            checks.Add(new Check($"{targets.AllowAll.Name}: the same message passes", result.IsError != true, Describe(result)));
        }

        return checks;
    }

    /// <summary>That every target answers echo with its message, so none is measured failing fast.</summary>
    public static async Task<IReadOnlyList<Check>> EchoAsync(IEnumerable<LoadTarget> targets, CancellationToken cancellationToken)
    {
        var checks = new List<Check>();
        foreach (var target in targets)
        {
            await using var client = await target.ConnectAsync(cancellationToken);
            var result = await EchoCalls.CallAsync(client, cancellationToken);
            checks.Add(new Check($"{target.Name}: echo returns its message", EchoCalls.Succeeded(result), Describe(result)));
        }

        return checks;
    }

    private static string? Decision(CallToolResult result) =>
        result.Meta?["gatehouse/decision"]?["decision"] is JsonValue value && value.TryGetValue(out string? text) ? text : null;

    private static string Describe(CallToolResult result)
    {
        var text = result.Content is [TextContentBlock block] ? block.Text : $"{result.Content.Count} content blocks";
        var shown = text.Length > 80 ? $"{text[..77]}..." : text;
        return $"isError={result.IsError?.ToString() ?? "unset"}, text \"{shown}\"" + (Decision(result) is { } d ? $", decision {d}" : "");
    }
}
