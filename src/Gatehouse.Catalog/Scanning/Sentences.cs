namespace Gatehouse.Catalog;

/// <summary>
/// Splits a text into sentences, for the rules that need two things said together ("read the API key" and
/// "pass it as 'notes'"). A line break ends a sentence unless the line was plainly wrapped: a docstring's
/// "… and pass\n    its content as 'sidenote'" is one sentence, an argument list's lines are not.
/// </summary>
internal static class Sentences
{
    public static IEnumerable<Range> Of(string text)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var end = text[i] switch
            {
                '.' or '!' or '?' when i + 1 == text.Length || char.IsWhiteSpace(text[i + 1]) => i + 1,
                '\n' when !IsWrapped(text, start, i) => i + 1,
                _ => -1,
            };
            if (end > 0)
            {
                if (HasWords(text, start, end))
                {
                    yield return new Range(start, end);
                }

                start = end;
            }
        }

        if (HasWords(text, start, text.Length))
        {
            yield return new Range(start, text.Length);
        }
    }

    /// <summary>The line before the break ends mid-phrase and the next goes on in lower case, not as a new item.</summary>
    private static bool IsWrapped(string text, int lineStart, int lineBreak)
    {
        var before = text.AsSpan(lineStart, lineBreak - lineStart).TrimEnd();
        if (before.IsEmpty || before[^1] is '.' or '!' or '?' or ':' or ';' or '>')
        {
            return false;
        }

        var after = text.AsSpan(lineBreak + 1).TrimStart(" \t\r");
        if (after.IsEmpty || !(char.IsLower(after[0]) || after[0] is '~' or '`' or '\'' or '"' or '('))
        {
            return false;
        }

        // "name: what it is" starts an entry of an argument list, not the rest of a sentence.
        var firstWord = after[..Math.Min(after.Length, 64)].IndexOfAny(' ', ':');
        return firstWord < 0 || after[firstWord] != ':';
    }

    private static bool HasWords(string text, int start, int end) =>
        text.AsSpan(start, end - start).IndexOfAnyExcept(" \t\r\n") >= 0;
}
