using System.Text;

namespace Gatehouse.Policy.Engine;

/// <summary>
/// A name pattern in which <c>*</c> stands for any run of characters, including none, and every other
/// character stands for itself, compared ordinally. A pattern is literal segments between stars, so a match
/// is: the first segment at the start, the last at the end, the others in order in between, found leftmost
/// first; that needs no backtracking and no allocation.
/// </summary>
internal sealed class GlobPattern : IRuleSelector
{
    public const char Wildcard = '*';

    private readonly string[] _inner;
    private readonly int _literalLength;
    private readonly bool _isLiteral;

    public GlobPattern(string source)
    {
        var segments = source.Split(Wildcard);
        Source = source;
        Prefix = segments[0];
        Suffix = segments[^1];
        _inner = segments.Length > 2 ? [.. segments[1..^1].Where(segment => segment.Length > 0)] : [];
        _literalLength = segments.Sum(segment => segment.Length);
        // A template without expressions is one URI; the pattern then means exactly that text.
        _isLiteral = segments.Length == 1;
    }

    public string Source { get; }

    /// <summary>The literal text every match starts with; empty when the pattern starts with a star.</summary>
    public string Prefix { get; }

    /// <summary>The literal text every match ends with; empty when the pattern ends with a star.</summary>
    public string Suffix { get; }

    public RuleLevel Level => RuleLevel.Glob;

    public static bool IsGlob(string text) => text.Contains(Wildcard, StringComparison.Ordinal);

    /// <summary>A pattern for the URIs an RFC 6570 URI template can produce: each <c>{expression}</c> becomes a star.</summary>
    public static GlobPattern FromUriTemplate(string template)
    {
        var pattern = new StringBuilder(template.Length);
        var inExpression = false;
        foreach (var c in template)
        {
            if (c == '{')
            {
                inExpression = true;
                pattern.Append(Wildcard);
            }
            else if (c == '}')
            {
                inExpression = false;
            }
            else if (!inExpression)
            {
                pattern.Append(c);
            }
        }
        return new GlobPattern(pattern.ToString());
    }

    public bool Matches(string name, ToolClass? toolClass) => IsMatch(name);

    public bool IsMatch(string name)
    {
        if (_isLiteral)
        {
            return string.Equals(name, Source, StringComparison.Ordinal);
        }
        if (name.Length < _literalLength
            || !name.StartsWith(Prefix, StringComparison.Ordinal)
            || !name.EndsWith(Suffix, StringComparison.Ordinal))
        {
            return false;
        }
        var rest = name.AsSpan(Prefix.Length, name.Length - Prefix.Length - Suffix.Length);
        foreach (var segment in _inner)
        {
            var at = rest.IndexOf(segment, StringComparison.Ordinal);
            if (at < 0)
            {
                return false;
            }
            rest = rest[(at + segment.Length)..];
        }
        return true;
    }

    /// <summary>
    /// Whether every name <paramref name="other"/> matches, this matches too. Sound because this pattern's
    /// literals contain no star, so matching the other's text with its stars read as characters means each of
    /// its stars falls inside one of ours, which then absorbs whatever that star expands to.
    /// </summary>
    public bool Covers(GlobPattern other) => IsMatch(other.Source);

    /// <summary>Whether some name matches both patterns.</summary>
    public bool Intersects(GlobPattern other)
    {
        var a = Source;
        var b = other.Source;
        // possible[i, j]: the tails a[i..] and b[j..] can produce a common string.
        var possible = new bool[a.Length + 1, b.Length + 1];
        for (var i = a.Length; i >= 0; i--)
        {
            for (var j = b.Length; j >= 0; j--)
            {
                possible[i, j] = (i == a.Length, j == b.Length) switch
                {
                    (true, true) => true,
                    _ when i < a.Length && a[i] == Wildcard => possible[i + 1, j] || (j < b.Length && possible[i, j + 1]),
                    _ when j < b.Length && b[j] == Wildcard => possible[i, j + 1] || (i < a.Length && possible[i + 1, j]),
                    (false, false) => a[i] == b[j] && possible[i + 1, j + 1],
                    _ => false,
                };
            }
        }
        return possible[0, 0];
    }
}
