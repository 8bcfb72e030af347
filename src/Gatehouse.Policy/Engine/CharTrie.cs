namespace Gatehouse.Policy.Engine;

/// <summary>
/// Glob entries keyed by their literal prefix (or, read backwards, their literal suffix), so that a name is
/// tested only against the globs whose fixed start (or end) it actually has: one step per character of the
/// name instead of one test per glob.
/// </summary>
internal sealed class CharTrie
{
    private readonly Node _root;
    private readonly bool _fromEnd;

    public CharTrie(IEnumerable<(string Key, GlobEntry Entry)> entries, bool fromEnd)
    {
        _fromEnd = fromEnd;
        var root = new Builder();
        foreach (var (key, entry) in entries)
        {
            var node = root;
            for (var i = 0; i < key.Length; i++)
            {
                var c = fromEnd ? key[key.Length - 1 - i] : key[i];
                if (!node.Children.TryGetValue(c, out var child))
                {
                    child = new Builder();
                    node.Children.Add(c, child);
                }
                node = child;
            }
            node.Entries.Add(entry);
        }
        _root = root.Freeze();
    }

    public PolicyRule? Best(string name, PolicyRule? best)
    {
        var node = _root;
        for (var i = 0; i < name.Length; i++)
        {
            var at = node.Keys.AsSpan().IndexOf(_fromEnd ? name[name.Length - 1 - i] : name[i]);
            if (at < 0)
            {
                break;
            }
            node = node.Children[at];
            foreach (var entry in node.Entries)
            {
                best = entry.Best(name, best);
            }
        }
        return best;
    }

    private sealed class Node(char[] keys, Node[] children, GlobEntry[] entries)
    {
        public char[] Keys { get; } = keys;

        public Node[] Children { get; } = children;

        public GlobEntry[] Entries { get; } = entries;
    }

    private sealed class Builder
    {
        public Dictionary<char, Builder> Children { get; } = [];

        public List<GlobEntry> Entries { get; } = [];

        public Node Freeze() => new([.. Children.Keys], [.. Children.Values.Select(child => child.Freeze())], [.. Entries]);
    }
}
