using System.Text.RegularExpressions;

namespace Gatehouse.Catalog;

/// <summary>
/// What the scan's regular expressions share. They are generated at build time, so a gateway pays nothing to
/// build them when it first lists a server. They run on texts a hostile server chooses, so none may backtrack
/// without bound: every repetition of anything but whitespace has a limit, and <see cref="ReadableText"/>
/// collapses runs of whitespace before they see the text, so a match costs time linear in the text.
/// </summary>
internal static class Patterns
{
    public const RegexOptions Options = RegexOptions.IgnoreCase | CaseSensitiveOptions;

    public const RegexOptions CaseSensitiveOptions = RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;

    /// <summary>
    /// A backstop for what the limits above did not foresee; the scanner treats a text that hits it as
    /// unreadable and withholds the tool (<see cref="PoisoningScanner"/>).
    /// </summary>
    public const int TimeoutMilliseconds = 2000;

    /// <summary>
    /// The earliest match of any of <paramref name="phrases"/>. Each phrase is its own expression because one
    /// alternation of them all would be tried at every position of the text; alone, each skips ahead to where
    /// its first words could be.
    /// </summary>
    public static bool TryFindEarliest(this Regex[] phrases, string text, out Range found)
    {
        found = default;
        var earliest = int.MaxValue;
        foreach (var phrase in phrases)
        {
            if (phrase.TryFind(text, out var match) && match.Start.Value < earliest)
            {
                (found, earliest) = (match, match.Start.Value);
            }
        }

        return earliest != int.MaxValue;
    }

    /// <summary>The first match in <paramref name="text"/>, as a range of it.</summary>
    public static bool TryFind(this Regex regex, string text, out Range found) => regex.TryFind(text, Range.All, out found);

    /// <summary>
    /// The first match inside <paramref name="within"/> of <paramref name="text"/>, as a range of the whole text.
    /// Anchors and word boundaries see only that part, so ^ is the start of a sentence.
    /// </summary>
    public static bool TryFind(this Regex regex, string text, Range within, out Range found)
    {
        var (offset, length) = within.GetOffsetAndLength(text.Length);
        foreach (var match in regex.EnumerateMatches(text.AsSpan(offset, length)))
        {
            found = new Range(offset + match.Index, offset + match.Index + match.Length);
            return true;
        }

        found = default;
        return false;
    }
}
