using System.Text;

namespace Gatehouse.Catalog;

/// <summary>
/// A text as the model reads it, so that hiding does not defeat the patterns: invisible characters dropped
/// ("ig\u200Bnore" reads "ignore"), tags spelled out as the ASCII they carry, terminal sequences removed,
/// compatibility forms folded (fullwidth "＜ＩＭＰＯＲＴＡＮＴ＞" reads "&lt;IMPORTANT&gt;"). That is
/// <see cref="Plain"/>; <see cref="Words"/> also splits identifiers into words ("doNotTell_theUser" reads
/// "do Not Tell the User"), because a property's name is read as an instruction too.
/// </summary>
internal sealed class ReadableText
{
    private readonly int[]? _wordsToPlain;

    private ReadableText(string plain, string words, int[]? wordsToPlain)
    {
        Plain = plain;
        Words = words;
        _wordsToPlain = wordsToPlain;
    }

    /// <summary>The text with what hides it undone; excerpts quote this.</summary>
    public string Plain { get; }

    /// <summary><see cref="Plain"/> with identifiers split into words; the patterns of phrases match this.</summary>
    public string Words { get; }

    public static ReadableText Of(string raw)
    {
        var plain = Unhide(raw);
        var (words, map) = SplitIdentifiers(plain);
        return new ReadableText(plain, words, map);
    }

    /// <summary>An excerpt of <see cref="Plain"/> around a match in <see cref="Words"/>.</summary>
    public string ExcerptOfWords(Range found)
    {
        var (start, length) = found.GetOffsetAndLength(Words.Length);
        var end = length == 0 ? ToPlain(start) : ToPlain(start + length - 1) + 1;
        return Excerpt.Around(Plain, ToPlain(start), end);
    }

    private int ToPlain(int wordsIndex) =>
        _wordsToPlain is null ? wordsIndex : _wordsToPlain[Math.Min(wordsIndex, _wordsToPlain.Length - 1)];

    private static string Unhide(string raw)
    {
        var builder = new StringBuilder(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            var codePoint = CodePoints.At(raw, i, out var width);
            if (codePoint == InvisibleCharacters.Escape)
            {
                i += InvisibleCharacters.EscapeSequenceLength(raw, i) - 1;
                builder.Append(' ');
                continue;
            }

            i += width - 1;
            if (InvisibleCharacters.TagAscii(codePoint) is { } ascii)
            {
                builder.Append(ascii);
            }
            else if (InvisibleCharacters.IsControl(codePoint))
            {
                builder.Append(' ');
            }
            else if (codePoint is >= 0xD800 and <= 0xDFFF)
            {
                // A lone surrogate: nothing a model could read, and normalization would refuse the string.
                builder.Append('\uFFFD');
            }
            else if (!InvisibleCharacters.IsHidden(codePoint))
            {
                builder.Append(char.ConvertFromUtf32(codePoint));
            }
        }

        return CollapseWhitespace(builder.ToString().Normalize(NormalizationForm.FormKC));
    }

    /// <summary>
    /// Each run of whitespace becomes one space, or one or two line breaks where it broke lines or paragraphs,
    /// which the sentence splitter needs. This keeps every whitespace run in a pattern short, whatever the text.
    /// </summary>
    private static string CollapseWhitespace(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (!char.IsWhiteSpace(text[i]))
            {
                builder.Append(text[i]);
                continue;
            }

            var lineBreaks = 0;
            for (; i < text.Length && char.IsWhiteSpace(text[i]); i++)
            {
                lineBreaks += text[i] == '\n' ? 1 : 0;
            }

            i--;
            builder.Append(lineBreaks switch { 0 => " ", 1 => "\n", _ => "\n\n" });
        }

        return builder.ToString();
    }

    /// <summary>
    /// Underscores become spaces (a run of them one space) and camel-case humps get a space before them, so that
    /// "do_not_tell" and "doNotTell" read as "do not tell". Returns the map back to <paramref name="plain"/>
    /// once the two no longer line up.
    /// </summary>
    private static (string Words, int[]? Map) SplitIdentifiers(string plain)
    {
        var builder = new StringBuilder(plain.Length + 16);
        List<int>? map = null;
        for (var i = 0; i < plain.Length; i++)
        {
            var atSpace = builder.Length > 0 && builder[^1] == ' ';
            if (plain[i] == '_' && atSpace)
            {
                map ??= [.. Enumerable.Range(0, builder.Length)];
                continue;
            }

            if (IsHump(plain, i))
            {
                map ??= [.. Enumerable.Range(0, builder.Length)];
                builder.Append(' ');
                map.Add(i);
            }

            builder.Append(plain[i] == '_' ? ' ' : plain[i]);
            map?.Add(i);
        }

        return (builder.ToString(), map?.ToArray());
    }

    /// <summary>"aB" (notTell) or "ABc" (SSHKey): a word starts at <paramref name="i"/>.</summary>
    private static bool IsHump(string text, int i) =>
        i > 0 && char.IsAsciiLetterUpper(text[i])
        && (char.IsAsciiLetterLower(text[i - 1])
            || (char.IsAsciiLetterUpper(text[i - 1]) && i + 1 < text.Length && char.IsAsciiLetterLower(text[i + 1])));
}
