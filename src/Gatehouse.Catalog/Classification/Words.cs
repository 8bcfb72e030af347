namespace Gatehouse.Catalog.Classification;

/// <summary>Lower-case words out of identifiers and prose, the way a person would read them.</summary>
internal static class Words
{
    /// <summary>Descriptions are free text; the leading verb is all that is read, so the rest is never split.</summary>
    private const int LeadingWordsRead = 12;

    /// <summary>
    /// Splits snake_case, kebab-case, dotted, spaced and camelCase names (<c>HTTPServer</c> is <c>http server</c>).
    /// Anything that is not a letter or digit separates words, so a zero-width space (U+200B) between <c>delete</c> and <c>everything</c>
    /// cannot glue two words into one that no list knows.
    /// </summary>
    public static IReadOnlyList<string> OfName(string name)
    {
        var words = new List<string>();
        var start = -1;
        for (var i = 0; i <= name.Length; i++)
        {
            var inWord = i < name.Length && char.IsLetterOrDigit(name[i]);
            if (start >= 0 && (!inWord || StartsNewWord(name, i)))
            {
                words.Add(name[start..i].ToLowerInvariant());
                start = -1;
            }

            if (inWord && start < 0)
            {
                start = i;
            }
        }

        return words;
    }

    /// <summary>The first words of a text, lower case; punctuation ends a word.</summary>
    public static IReadOnlyList<string> Leading(string text)
    {
        var words = new List<string>();
        var start = -1;
        for (var i = 0; i <= text.Length && words.Count < LeadingWordsRead; i++)
        {
            var inWord = i < text.Length && char.IsLetter(text[i]);
            if (!inWord && start >= 0)
            {
                words.Add(text[start..i].ToLowerInvariant());
                start = -1;
            }
            else if (inWord && start < 0)
            {
                start = i;
            }
        }

        return words;
    }

    /// <summary>
    /// The forms a verb takes at the start of a description ("Sends", "Pushes", "Applies"), most specific
    /// first; the caller keeps the first it knows.
    /// </summary>
    public static IEnumerable<string> Stems(string word)
    {
        yield return word;
        if (word.EndsWith("ies", StringComparison.Ordinal) && word.Length > 4)
        {
            yield return word[..^3] + "y";
        }

        if (word.EndsWith("es", StringComparison.Ordinal) && word.Length > 3)
        {
            yield return word[..^2];
        }

        if (word.EndsWith('s') && word.Length > 2)
        {
            yield return word[..^1];
        }
    }

    private static bool StartsNewWord(string name, int i)
    {
        if (i == 0 || i >= name.Length || !char.IsLetterOrDigit(name[i - 1]))
        {
            return false;
        }

        var current = name[i];
        var previous = name[i - 1];
        if (char.IsUpper(current) && (char.IsLower(previous) || char.IsDigit(previous)))
        {
            return true;
        }

        // The last capital of a run begins the next word: "HTTPServer" → "http", "server".
        return char.IsUpper(current) && char.IsUpper(previous) && i + 1 < name.Length && char.IsLower(name[i + 1]);
    }
}
