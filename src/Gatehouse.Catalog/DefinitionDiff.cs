using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;

namespace Gatehouse.Catalog;

/// <summary>What changed between the definition in force and a new one, line by line, for the person asked to accept it.</summary>
public static class DefinitionDiff
{
    /// <summary>
    /// The pinned definition and the one listed now in canonical form, indented, compared line by line: <c>- </c>
    /// for a line only the pinned one has, <c>+ </c> for one only the new one has, two spaces for a line both have.
    /// Without a pinned definition, every line of the new one is added.
    /// </summary>
    public static string Of(PendingAcceptance pending)
    {
        ArgumentNullException.ThrowIfNull(pending);
        var pinned = pending.PinnedDefinition is { } stored ? Visible(CanonicalJson.Write(JsonNode.Parse(stored), indented: true)) : "";
        var listed = Visible(CanonicalJson.Write(pending.Standing.Definition.Pinned, indented: true));
        return Lines(pinned, listed);
    }

    /// <summary>
    /// Two texts compared line by line: <c>- </c> for a line only <paramref name="before"/> has, <c>+ </c> for one only
    /// <paramref name="after"/> has, two spaces for a line both have.
    /// </summary>
    public static string Lines(string before, string after)
    {
        var diff = InlineDiffBuilder.Diff(before, after, ignoreWhiteSpace: false);
        var text = new StringBuilder();
        foreach (var line in diff.Lines)
        {
            text.Append(line.Type switch
            {
                ChangeType.Deleted => "- ",
                ChangeType.Inserted => "+ ",
                _ => "  ",
            }).AppendLine(line.Text);
        }

        return text.ToString();
    }

    // Sorted keys and one value a line show a change as the lines it touched rather than as one long line;
    // characters a person would not see are spelled out, since hiding text from the reviewer is the attack.
    private static string Visible(string text)
    {
        var visible = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            var hidden = rune.Value is not ('\n' or '\r' or ' ') && Rune.GetUnicodeCategory(rune) is UnicodeCategory.Format or UnicodeCategory.Control
                or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                or UnicodeCategory.SpaceSeparator;
            if (hidden)
            {
                visible.Append(rune.IsBmp ? $"\\u{rune.Value:X4}" : $"\\u{{{rune.Value:X}}}");
            }
            else
            {
                visible.Append(rune.ToString());
            }
        }

        return visible.ToString();
    }
}
