using System.Globalization;
using System.Text;

namespace Gatehouse.Catalog;

/// <summary>
/// The short, printable quotation a finding carries. An operator reads it in a terminal, a log or a web page,
/// so it must neither run on nor carry the very characters it reports: anything invisible or controlling is
/// spelled as U+XXXX, and runs of whitespace become one space.
/// </summary>
internal static class Excerpt
{
    /// <summary>About one line of a terminal; enough to judge a finding, short enough to list many.</summary>
    public const int MaxLength = 80;

    private const int _contextBefore = 24;

    /// <summary>The text around <c>[start, end)</c>, starting a little before it, cut to <see cref="MaxLength"/>.</summary>
    public static string Around(string text, int start, int end)
    {
        var from = Math.Max(0, start - _contextBefore);
        if (from > 0 && char.IsLowSurrogate(text[from]))
        {
            from--;
        }

        // Twice the excerpt's length: a run of tags takes two chars for each letter it spells.
        var to = Math.Min(text.Length, Math.Max(end, from + 2 * MaxLength));
        return Cut(Printable(text.AsSpan(from, to - from)), leading: from > 0, trailing: to < text.Length);
    }

    /// <summary>The beginning of a text that is itself the finding, such as a property's name.</summary>
    public static string Whole(string text)
    {
        var to = Math.Min(text.Length, MaxLength * 2);
        return Cut(Printable(text.AsSpan(0, to)), leading: false, trailing: to < text.Length);
    }

    /// <summary>
    /// Spells one code point so that it can be seen: visible characters as themselves, the rest as U+XXXX.
    /// Lone surrogates come in as their own value and are spelled too.
    /// </summary>
    private static void AppendCodePoint(StringBuilder builder, int codePoint)
    {
        if (IsPrintable(codePoint))
        {
            builder.Append(char.ConvertFromUtf32(codePoint));
        }
        else
        {
            builder.Append(CultureInfo.InvariantCulture, $"U+{codePoint:X4}");
        }
    }

    private static bool IsPrintable(int codePoint)
    {
        if (codePoint is >= 0xD800 and <= 0xDFFF || InvisibleCharacters.IsHidden(codePoint))
        {
            return false;
        }

        return CharUnicodeInfo.GetUnicodeCategory(codePoint) is not (UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator);
    }

    private static string Printable(ReadOnlySpan<char> text)
    {
        var builder = new StringBuilder(text.Length + 16);
        var pendingSpace = false;
        for (var i = 0; i < text.Length; i++)
        {
            var codePoint = CodePoints.At(text, i, out var width);
            i += width - 1;
            if (codePoint is ' ' or '\t' or '\n' or '\r')
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            if (InvisibleCharacters.IsTag(codePoint))
            {
                i = AppendTags(builder, text, i - width + 1) - 1;
                continue;
            }

            AppendCodePoint(builder, codePoint);
        }

        return builder.ToString();
    }

    /// <summary>Shows a run of tag characters as the ASCII they spell, the text a person could not see.</summary>
    private static int AppendTags(StringBuilder builder, ReadOnlySpan<char> text, int start)
    {
        builder.Append("[tags:\"");
        var i = start;
        while (i < text.Length)
        {
            var codePoint = CodePoints.At(text, i, out var width);
            if (!InvisibleCharacters.IsTag(codePoint))
            {
                break;
            }

            if (InvisibleCharacters.TagAscii(codePoint) is { } ascii)
            {
                builder.Append(ascii);
            }

            i += width;
        }

        builder.Append("\"]");
        return i;
    }

    private static string Cut(string text, bool leading, bool trailing)
    {
        if (text.Length > MaxLength)
        {
            // Never split a surrogate pair: half of one is exactly the kind of character an excerpt must not carry.
            var length = char.IsHighSurrogate(text[MaxLength - 1]) ? MaxLength - 1 : MaxLength;
            text = text[..length];
            trailing = true;
        }

        return (leading ? "…" : "") + text.Trim() + (trailing ? "…" : "");
    }
}
