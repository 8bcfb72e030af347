using System.Globalization;
using System.Text;

namespace Gatehouse.Catalog;

/// <summary>
/// Where a text sits in a tool's definition, such as <c>inputSchema.properties.sidenote.description</c>. Built
/// as a chain from the root so that walking a deep schema costs nothing per level; spelled out only for a finding.
/// </summary>
internal sealed class SchemaPath
{
    /// <summary>Deeper paths keep their first and last segments, enough to find the place, and stay one line.</summary>
    private const int _shownSegments = 16;

    private const int _longestKey = 40;

    private readonly SchemaPath? _parent;
    private readonly string? _key;
    private readonly int _index;
    private readonly int _depth;

    private SchemaPath(SchemaPath? parent, string? key, int index)
    {
        _parent = parent;
        _key = key;
        _index = index;
        _depth = parent is null ? 1 : parent._depth + 1;
    }

    public static SchemaPath Field(string name) => new(null, name, -1);

    public SchemaPath Key(string key) => new(this, key, -1);

    public SchemaPath Index(int index) => new(this, null, index);

    /// <summary>This path ends with the key <paramref name="key"/>.</summary>
    public bool IsKey(string key) => _key == key;

    public override string ToString()
    {
        var segments = new SchemaPath[_depth];
        for (var path = this; path is not null; path = path._parent)
        {
            segments[path._depth - 1] = path;
        }

        var builder = new StringBuilder();
        for (var i = 0; i < segments.Length; i++)
        {
            if (segments.Length > _shownSegments && i == _shownSegments / 2)
            {
                builder.Append(".…");
                i = segments.Length - _shownSegments / 2 - 1;
                continue;
            }

            segments[i].AppendTo(builder, first: i == 0);
        }

        return builder.ToString();
    }

    private void AppendTo(StringBuilder builder, bool first)
    {
        if (_key is null)
        {
            builder.Append(CultureInfo.InvariantCulture, $"[{_index}]");
        }
        else if (IsPlainKey(_key))
        {
            builder.Append(first ? "" : ".").Append(_key);
        }
        else
        {
            // Keys are chosen by the server: quoted, shortened and made printable like any excerpt.
            var shown = _key.Length > _longestKey ? _key[.._longestKey] : _key;
            builder.Append("[\"").Append(Excerpt.Whole(shown).Replace("\"", "\\\"", StringComparison.Ordinal))
                .Append(_key.Length > _longestKey ? "…" : "").Append("\"]");
        }
    }

    private static bool IsPlainKey(string key) =>
        key.Length is > 0 and <= _longestKey
        && key.AsSpan().IndexOfAnyExcept("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-$") < 0;
}
