using System.Text.Json.Nodes;
using Gatehouse.Policy.Arguments;

namespace Gatehouse.Policy;

/// <summary>Applies a rule's <c>redact</c> paths (<see cref="PolicyDecision.Redact"/>) to a copy of a call's arguments.</summary>
public static class ArgumentRedaction
{
    /// <summary>What a redacted value is replaced with.</summary>
    public const string Replacement = "[redacted]";

    /// <summary>
    /// Replaces every value that <paramref name="paths"/> name in <paramref name="arguments"/> (changed in place)
    /// with <see cref="Replacement"/>; returns the arguments, or the replacement itself when a path is <c>$</c>.
    /// Paths that name nothing in these arguments are skipped.
    /// </summary>
    public static JsonNode? Apply(JsonNode? arguments, IReadOnlyList<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (arguments is null)
        {
            return null;
        }
        foreach (var text in paths)
        {
            if (!ArgumentPath.TryParse(text, out var path, out _))
            {
                continue;
            }
            if (path.IsRoot)
            {
                return JsonValue.Create(Replacement);
            }
            path.TryReplace(arguments, JsonValue.Create(Replacement));
        }
        return arguments;
    }
}
