namespace Gatehouse.Catalog.Classification;

/// <summary>What a tool's name says: its verbs (every one counts) and its nouns.</summary>
internal static class NameReader
{
    /// <summary>
    /// Every verb in the name, not only the first: a server may name a tool <c>get_and_delete</c>, and the name is
    /// as much the server's claim as its annotations are.
    /// </summary>
    public static IEnumerable<Evidence> Verbs(IReadOnlyList<string> words)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in words)
        {
            if (seen.Add(word) && Vocabulary.Verbs.TryGetValue(word, out var verb))
            {
                yield return new Evidence(EvidenceSource.Name, $"verb '{word}' in the name", verb.Meaning, verb.Category, verb.Risk);
            }
        }
    }

    /// <summary>The name's words with credential pairs joined, so that <c>create_api_key</c> has the noun <c>api key</c>.</summary>
    public static IReadOnlyList<string> Nouns(IReadOnlyList<string> words)
    {
        var nouns = new List<string>(words.Count);
        for (var i = 0; i < words.Count; i++)
        {
            if (i + 1 < words.Count && Vocabulary.KeyKinds.Contains(words[i]) && words[i + 1] is "key" or "keys")
            {
                nouns.Add($"{words[i]} {words[i + 1]}");
                i++;
            }
            else
            {
                nouns.Add(words[i]);
            }
        }

        return nouns;
    }
}
