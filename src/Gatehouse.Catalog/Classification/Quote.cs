using System.Globalization;
using System.Text;

namespace Gatehouse.Catalog.Classification;

/// <summary>
/// Text from the server (argument names) made fit to quote in a rationale: short, one line, and with every
/// character a person could not see written as <c>U+XXXX</c>, so a name cannot smuggle text into the rationale
/// or hide what it is.
/// </summary>
internal static class Quote
{
    private const int MaxChars = 48;

    /// <summary>Whether the text can be quoted whole.</summary>
    public static bool Fits(string text) => text.Length <= MaxChars;

    public static string Of(string text)
    {
        var quoted = new StringBuilder(Math.Min(text.Length, MaxChars) + 2);
        for (var i = 0; i < text.Length; i++)
        {
            if (quoted.Length >= MaxChars)
            {
                return quoted.Append('…').ToString();
            }

            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                var pair = text.Substring(i, 2);
                Append(quoted, pair, CharUnicodeInfo.GetUnicodeCategory(pair, 0), char.ConvertToUtf32(c, text[i + 1]));
                i++;
            }
            else
            {
                Append(quoted, c.ToString(), char.GetUnicodeCategory(c), c);
            }
        }

        return quoted.ToString();
    }

    private static void Append(StringBuilder quoted, string character, UnicodeCategory category, int codePoint)
    {
        var invisible = category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse
            or UnicodeCategory.OtherNotAssigned;
        var oddSpace = category is UnicodeCategory.SpaceSeparator && codePoint != ' ';

        // An apostrophe would end the quote early and let the rest read as the classifier's own words.
        if (invisible || oddSpace || codePoint == '\'')
        {
            quoted.Append(CultureInfo.InvariantCulture, $"U+{codePoint:X4}");
        }
        else
        {
            quoted.Append(character);
        }
    }
}
