using Gatehouse.Policy.Arguments;

namespace Gatehouse.Policy;

/// <summary>
/// Argument paths as the compiler reads them, for tools that write policies (the console's builder): so that a path
/// written as <c>list_ids</c>, <c>$.list_ids</c> or <c>$["list_ids"]</c> is known to be one argument.
/// </summary>
public static class ArgumentPaths
{
    /// <summary>The canonical spelling of <paramref name="path"/> (<c>$.a.b[0]["c d"]</c>), or null when the compiler would refuse it.</summary>
    public static string? Canonical(string path) => ArgumentPath.TryParse(path, out var parsed, out _) ? parsed.Text : null;

    /// <summary>The canonical path of the top-level argument <paramref name="name"/>: <c>$.name</c>, or <c>$["send at"]</c> for a name that is not a plain word.</summary>
    public static string OfMember(string name)
    {
        var text = new System.Text.StringBuilder("$");
        PathSegment.Property(name).AppendTo(text);
        return text.ToString();
    }
}
