using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Gatehouse.Store.Database;

/// <summary>Text as every backend can hold it, so that a store reads the same wherever it is kept.</summary>
internal static class StoredText
{
    /// <summary>
    /// The text with NUL and unpaired surrogates as U+FFFD. PostgreSQL's text holds neither NUL nor an unpaired
    /// surrogate (which has no UTF-8 at all), and one such character in a tool name a client sent must not fail
    /// the write: the store would be reported unavailable for what is only odd input.
    /// </summary>
    [return: NotNullIfNotNull(nameof(text))]
    public static string? Storable(string? text)
    {
        if (text is null || (!text.AsSpan().Contains('\0') && text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            builder.Append(rune.Value == 0 ? Rune.ReplacementChar : rune);
        }

        return builder.ToString();
    }
}
