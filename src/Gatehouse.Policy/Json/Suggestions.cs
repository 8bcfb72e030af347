namespace Gatehouse.Policy.Json;

/// <summary>Finds the word an operator probably meant, so that a typo's error message says how to fix it.</summary>
internal static class Suggestions
{
    public static string DidYouMean(string written, IEnumerable<string> known)
    {
        var best = known
            .Select(word => (Word: word, Distance: Distance(written, word)))
            .Where(candidate => candidate.Distance <= Math.Max(1, candidate.Word.Length / 3))
            .OrderBy(candidate => candidate.Distance)
            .FirstOrDefault();
        return best.Word is null ? "" : $"; did you mean {PolicyPath.Quote(best.Word)}?";
    }

    // Edit distance counting a swap of neighbours as one edit, the commonest typo; words are short.
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }
        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(d[i - 1, j - 1] + cost, Math.Min(d[i - 1, j], d[i, j - 1]) + 1);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }
        return d[a.Length, b.Length];
    }
}
