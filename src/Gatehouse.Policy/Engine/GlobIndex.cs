namespace Gatehouse.Policy.Engine;

/// <summary>
/// Finds the deciding glob rule for a name without testing every glob: globs with a literal prefix are
/// reached through a prefix trie, those starting with a star but ending in a literal through a suffix trie,
/// and only globs with neither (<c>*</c>, <c>*x*</c>) are tested for every name.
/// </summary>
internal sealed class GlobIndex
{
    private readonly CharTrie _byPrefix;
    private readonly CharTrie _bySuffix;
    private readonly GlobEntry[] _unanchored;

    public GlobIndex(IEnumerable<PolicyRule> globRules)
    {
        var entries = globRules.Select(rule => new GlobEntry((GlobPattern)rule.Selector, rule)).ToList();
        _byPrefix = new CharTrie(entries.Where(e => e.Glob.Prefix.Length > 0).Select(e => (e.Glob.Prefix, e)), fromEnd: false);
        _bySuffix = new CharTrie(entries.Where(e => e.Glob.Prefix.Length == 0 && e.Glob.Suffix.Length > 0).Select(e => (e.Glob.Suffix, e)), fromEnd: true);
        _unanchored = [.. entries.Where(e => e.Glob.Prefix.Length == 0 && e.Glob.Suffix.Length == 0)];
    }

    public PolicyRule? FindBest(string name)
    {
        var best = _bySuffix.Best(name, _byPrefix.Best(name, null));
        foreach (var entry in _unanchored)
        {
            best = entry.Best(name, best);
        }
        return best;
    }
}
