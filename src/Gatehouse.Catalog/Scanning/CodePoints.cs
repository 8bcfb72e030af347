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

    /// <summary>The code point that ends just before <paramref name="index"/>, or -1 at the start.</summary>
    public static int Before(ReadOnlySpan<char> text, int index)
    {
        if (index <= 0)
        {
            return -1;
        }

        var c = text[index - 1];
        return char.IsLowSurrogate(c) && index >= 2 && char.IsHighSurrogate(text[index - 2])
            ? char.ConvertToUtf32(text[index - 2], c)
            : c;
    }
}
