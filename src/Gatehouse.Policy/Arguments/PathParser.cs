using System.Buffers;
using System.Globalization;
using System.Text;

namespace Gatehouse.Policy.Arguments;

/// <summary>Reads the path syntax <see cref="ArgumentPath"/> accepts, with a precise message for what it does not.</summary>
internal ref struct PathParser(string text)
{
    private static readonly SearchValues<char> _notInPlainNames = SearchValues.Create("]'\"* \t\r\n");

    private int _at;

    public bool TryParse(out PathSegment[] segments, out string error)
    {
        var steps = new List<PathSegment>();
        segments = [];
        if (text.Length == 0)
        {
            error = "a path must not be empty; write $ for the whole arguments object";
            return false;
        }
        if (text[0] == '$')
        {
            _at = 1;
        }
        else if (!TryName(steps, out error))
        {
            return false;
        }
        while (_at < text.Length)
        {
            var step = text[_at++] switch
            {
                '.' when _at < text.Length && text[_at] == '.' => Fail("recursive descent (..) is not supported; name each step", out error),
                '.' => TryName(steps, out error),
                '[' => TryBracket(steps, out error),
                var other => Fail($"unexpected '{other}' at position {_at}; write .name, [index] or [\"name\"]", out error),
            };
            if (!step)
            {
                return false;
            }
        }
        segments = [.. steps];
        error = "";
        return true;
    }

    private bool TryName(List<PathSegment> steps, out string error)
    {
        var start = _at;
        while (_at < text.Length && text[_at] is not ('.' or '['))
        {
            _at++;
        }
        var name = text[start.._at];
        if (name == "*")
        {
            return Fail("wildcards are not supported; a condition names exactly one value", out error);
        }
        if (name.Length == 0 || name.AsSpan().IndexOfAny(_notInPlainNames) >= 0)
        {
            return Fail($"\"{name}\" is not a plain name at position {start + 1}; write [\"name\"] for names with such characters", out error);
        }
        steps.Add(PathSegment.Property(name));
        error = "";
        return true;
    }

    private bool TryBracket(List<PathSegment> steps, out string error)
    {
        if (_at >= text.Length)
        {
            return Fail("unclosed [", out error);
        }
        if (text[_at] is '"' or '\'')
        {
            return TryQuoted(steps, out error);
        }
        var start = _at;
        while (_at < text.Length && char.IsAsciiDigit(text[_at]))
        {
            _at++;
        }
        if (_at == start || _at >= text.Length || text[_at] != ']')
        {
            return Fail("write [index] with a non-negative whole number, or [\"name\"]; wildcards, slices and filters are not supported", out error);
        }
        if (!int.TryParse(text.AsSpan(start, _at - start), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return Fail("array index is too large", out error);
        }
        _at++;
        steps.Add(PathSegment.Item(index));
        error = "";
        return true;
    }

    private bool TryQuoted(List<PathSegment> steps, out string error)
    {
        var quote = text[_at++];
        var name = new StringBuilder();
        while (_at < text.Length && text[_at] != quote)
        {
            if (text[_at] == '\\' && _at + 1 < text.Length)
            {
                _at++;
            }
            name.Append(text[_at++]);
        }
        if (_at + 1 >= text.Length || text[_at + 1] != ']')
        {
            return Fail("unclosed quoted name; write [\"name\"]", out error);
        }
        _at += 2;
        steps.Add(PathSegment.Property(name.ToString()));
        error = "";
        return true;
    }

    private static bool Fail(string message, out string error)
    {
        error = message;
        return false;
    }
}
