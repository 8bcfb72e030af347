namespace Gatehouse.Catalog;

/// <summary>Walks text by code point, because the characters that hide text (tags, some selectors) live above U+FFFF.</summary>
internal static class CodePoints
{
    /// <summary>
    /// The code point at <paramref name="index"/> and how many chars it takes. A lone surrogate, which hostile
    /// input may carry, is returned as its own value rather than rejected.
    /// </summary>
    public static int At(ReadOnlySpan<char> text, int index, out int width)
    {
        var c = text[index];
        if (char.IsHighSurrogate(c) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
        {
            width = 2;
            return char.ConvertToUtf32(c, text[index + 1]);
        }

        width = 1;
        return c;
    }
}
