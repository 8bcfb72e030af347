using System.Globalization;

namespace Gatehouse.Catalog;

/// <summary>
/// Characters a model reads but a person does not see: zero-width and other format characters, bidirectional
/// controls, Unicode tags (which spell ASCII invisibly: "ASCII smuggling"), variation selectors (which can carry
/// bytes after an emoji), blank fillers, and terminal controls that hide or rewrite text.
/// </summary>
internal static class InvisibleCharacters
{
    public const int Escape = 0x1B;
    private const int _zeroWidthNonJoiner = 0x200C;
    private const int _zeroWidthJoiner = 0x200D;
    private const int _textPresentation = 0xFE0E;
    private const int _emojiPresentation = 0xFE0F;
    private const int _waveBlackFlag = 0x1F3F4;
    private const int _cancelTag = 0xE007F;

    public static bool IsTag(int codePoint) => codePoint is >= 0xE0000 and <= 0xE007F;

    /// <summary>The ASCII character a tag spells, or null for the tags that spell none (language tag, cancel tag).</summary>
    public static char? TagAscii(int codePoint) => codePoint is >= 0xE0020 and <= 0xE007E ? (char)(codePoint - 0xE0000) : null;

    /// <summary>Renders as nothing, or reorders what is around it.</summary>
    public static bool IsHidden(int codePoint) => codePoint switch
    {
        // Soft hyphen, grapheme joiner, Arabic letter mark, Hangul and Khmer fillers, braille blank, BOM,
        // and the two noncharacters that some decoders pass through.
        0x00AD or 0x034F or 0x061C or 0x115F or 0x1160 or 0x17B4 or 0x17B5 or 0x2800 or 0x3164 or 0xFFA0
            or 0xFEFF or 0xFFFE or 0xFFFF => true,
        >= 0x180B and <= 0x180F => true,     // Mongolian variation selectors and vowel separator
        >= 0x200B and <= 0x200F => true,     // zero-width space, non-joiner, joiner, LRM, RLM
        >= 0x202A and <= 0x202E => true,     // bidi embeddings and overrides
        >= 0x2060 and <= 0x206F => true,     // word joiner, invisible operators, bidi isolates, deprecated formats
        >= 0xFE00 and <= 0xFE0F => true,     // variation selectors
        >= 0xFFF9 and <= 0xFFFB => true,     // interlinear annotation
        >= 0xE0000 and <= 0xE0FFF => true,   // tags, variation selectors supplement
        // The prepended concatenation marks (Arabic number signs and the like) are format characters that do show.
        0x0600 or 0x0601 or 0x0602 or 0x0603 or 0x0604 or 0x0605 or 0x06DD or 0x070F or 0x0890 or 0x0891 or 0x08E2
            or 0x110BD or 0x110CD => false,
        _ => CharUnicodeInfo.GetUnicodeCategory(codePoint) == UnicodeCategory.Format,
    };

    /// <summary>C0 and C1 controls other than tab and line breaks, and DEL: nothing a description needs.</summary>
    public static bool IsControl(int codePoint) =>
        codePoint is (< 0x20 and not ('\t' or '\n' or '\r')) or (>= 0x7F and <= 0x9F);

    /// <summary>
    /// How many chars the terminal escape sequence at <paramref name="index"/> takes (ESC itself included):
    /// a CSI sequence such as ESC[8m (conceal) or ESC[2K (erase line) whole, otherwise ESC alone.
    /// </summary>
    public static int EscapeSequenceLength(ReadOnlySpan<char> text, int index)
    {
        const int longestSequence = 32;
        if (index + 1 >= text.Length || text[index + 1] != '[')
        {
            return 1;
        }

        for (var i = index + 2; i < text.Length && i - index < longestSequence; i++)
        {
            switch (text[i])
            {
                case >= '0' and <= '?' or >= ' ' and <= '/':
                    continue;
                case >= '@' and <= '~':
                    return i - index + 1;
                default:
                    return 1;
            }
        }

        return 1;
    }

    /// <summary>
    /// Where the first character that hides or controls text is, or -1. Invisible characters that ordinary
    /// writing needs are let through: a joiner inside an emoji sequence or between letters of a script that
    /// joins (Arabic, Persian, Indic), one presentation selector after a symbol, and the tags that spell a
    /// subdivision flag after 🏴.
    /// </summary>
    public static int FindFirst(ReadOnlySpan<char> text)
    {
        var previous = -1;
        for (var i = 0; i < text.Length; i++)
        {
            var codePoint = CodePoints.At(text, i, out var width);
            if (codePoint == _waveBlackFlag && FlagTagsLength(text, i + width) is var tags and > 0)
            {
                i += width + tags - 1;
                previous = _cancelTag;
                continue;
            }

            if (IsSuspect(codePoint) && !IsOrdinaryUse(codePoint, previous, text, i + width))
            {
                return i;
            }

            previous = codePoint;
            i += width - 1;
        }

        return -1;
    }

    private static bool IsSuspect(int codePoint) =>
        IsHidden(codePoint) || IsControl(codePoint) || codePoint is >= 0xD800 and <= 0xDFFF;

    private static bool IsOrdinaryUse(int codePoint, int previous, ReadOnlySpan<char> text, int next)
    {
        if (previous < 0)
        {
            return false;
        }

        switch (codePoint)
        {
            case _zeroWidthNonJoiner or _zeroWidthJoiner:
                return next < text.Length && Joins(previous) && Joins(CodePoints.At(text, next, out _));
            case _textPresentation or _emojiPresentation:
                return !IsHidden(previous) && CharUnicodeInfo.GetUnicodeCategory(previous) is not (UnicodeCategory.UppercaseLetter
                    or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter
                    or UnicodeCategory.OtherLetter);
            default:
                return false;
        }
    }

    private static bool Joins(int codePoint)
    {
        if (codePoint == _emojiPresentation)
        {
            return true;
        }

        var category = CharUnicodeInfo.GetUnicodeCategory(codePoint);
        return category is UnicodeCategory.OtherSymbol or UnicodeCategory.ModifierSymbol
            || (codePoint >= 0x0590 && category is UnicodeCategory.OtherLetter or UnicodeCategory.NonSpacingMark
                or UnicodeCategory.SpacingCombiningMark);
    }

    /// <summary>The length in chars of a subdivision flag's tag letters and cancel tag (🏴 gb sct ␡), or 0.</summary>
    private static int FlagTagsLength(ReadOnlySpan<char> text, int start)
    {
        var i = start;
        var letters = 0;
        while (i < text.Length && letters <= 6)
        {
            var codePoint = CodePoints.At(text, i, out var width);
            if (codePoint == _cancelTag)
            {
                return letters >= 2 ? i + width - start : 0;
            }

            if (codePoint is not ((>= 0xE0061 and <= 0xE007A) or (>= 0xE0030 and <= 0xE0039)))
            {
                return 0;
            }

            letters++;
            i += width;
        }

        return 0;
    }
}
