using System.Globalization;
using System.Numerics;
using System.Text;

namespace Gatehouse.Relay.Tests.Differential;

/// <summary>
/// How servers built on other languages read a JSON text: a small parser of its own (not .NET's, whose reading is
/// what is under test), with each language's choices made explicit.
/// </summary>
public sealed class Oracle
{
    private Oracle(string name, Func<string, OracleValue?> number, bool replaceLoneSurrogates, bool refuseInvalidUtf8, bool foldFieldNames)
    {
        Name = name;
        _number = number;
        _replaceLoneSurrogates = replaceLoneSurrogates;
        _refuseInvalidUtf8 = refuseInvalidUtf8;
        FoldsFieldNames = foldFieldNames;
    }

    private readonly Func<string, OracleValue?> _number;
    private readonly bool _replaceLoneSurrogates;
    private readonly bool _refuseInvalidUtf8;

    public string Name { get; }

    /// <summary>Whether the reader matches a struct's fields (name, arguments) without regard to case, as Go does.</summary>
    public bool FoldsFieldNames { get; }

    /// <summary>
    /// JavaScript's <c>JSON.parse</c> over text Node decoded from UTF-8: every number a double (<c>1e400</c> is
    /// Infinity), lone surrogates kept, invalid UTF-8 replaced, the last of two equal names wins.
    /// </summary>
    public static Oracle JavaScript { get; } = new("JavaScript", literal => new OracleValue.Number(OracleValue.ExactDecimal(ParseDouble(literal))), false, false, false);

    /// <summary>
    /// Python's <c>json.loads</c>: integers exact whatever their size, other numbers floats, lone surrogates kept,
    /// invalid UTF-8 refused, the last of two equal names wins.
    /// </summary>
    public static Oracle Python { get; } = new("Python", literal => literal.IndexOfAny(['.', 'e', 'E']) < 0
        ? new OracleValue.Number(OracleValue.ExactDecimal(BigInteger.Parse(literal, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)))
        : new OracleValue.Number(OracleValue.ExactDecimal(ParseDouble(literal))), false, true, false);

    /// <summary>
    /// Go's <c>encoding/json</c> into a struct of <c>name</c> and <c>arguments</c> (matched without regard to case, the
    /// last match winning) and <c>map[string]any</c>: numbers float64 (out of range refused), lone surrogates and invalid
    /// UTF-8 replaced by U+FFFD.
    /// </summary>
    public static Oracle Go { get; } = new("Go", literal => double.IsFinite(ParseDouble(literal)) ? new OracleValue.Number(OracleValue.ExactDecimal(ParseDouble(literal))) : null, true, false, true);

    public static IReadOnlyList<Oracle> All { get; } = [JavaScript, Python, Go];

    /// <summary>The value of <paramref name="utf8"/>, or null where this reader refuses the text (a server that refuses cannot be tricked).</summary>
    public OracleValue? Read(byte[] utf8)
    {
        if (_refuseInvalidUtf8 && !Utf8IsValid(utf8))
        {
            return null;
        }

        var parser = new Parser(this, utf8);
        try
        {
            var value = parser.Value();
            parser.SkipSpace();
            return parser.AtEnd ? value : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The member called <paramref name="field"/>, as this reader finds a struct field in <paramref name="members"/>.</summary>
    public OracleValue? Field(OracleValue.Members members, string field) =>
        FoldsFieldNames
            ? members.RawItems.LastOrDefault(m => GoEqualFold(m.Key, field)).Value
            : members[field];

    private static bool GoEqualFold(string a, string b)
    {
        static string Fold(string s) => string.Concat(s.EnumerateRunes().Select(r => Rune.ToUpperInvariant(Rune.ToLowerInvariant(r)).ToString()));
        return Fold(a) == Fold(b);
    }

    private static double ParseDouble(string literal) => double.Parse(literal, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static bool Utf8IsValid(byte[] utf8) => System.Text.Unicode.Utf8.IsValid(utf8);

    private sealed class Parser(Oracle oracle, byte[] text)
    {
        private int _at;

        public bool AtEnd => _at == text.Length;

        public void SkipSpace()
        {
            while (_at < text.Length && text[_at] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                _at++;
            }
        }

        public OracleValue Value()
        {
            SkipSpace();
            if (AtEnd)
            {
                throw new FormatException("end of text");
            }

            switch (text[_at])
            {
                case (byte)'{':
                    return Object();
                case (byte)'[':
                    return Array();
                case (byte)'"':
                    return new OracleValue.Text(String());
                case (byte)'t':
                    return Word("true");
                case (byte)'f':
                    return Word("false");
                case (byte)'n':
                    return Word("null");
                default:
                    return Number();
            }
        }

        private OracleValue.Members Object()
        {
            _at++;
            var raw = new List<KeyValuePair<string, OracleValue>>();
            SkipSpace();
            if (text[_at] == '}')
            {
                _at++;
                return OracleValue.Members.Of(raw);
            }

            while (true)
            {
                SkipSpace();
                var name = String();
                SkipSpace();
                Expect(':');
                raw.Add(new(name, Value()));
                SkipSpace();
                if (text[_at] == ',')
                {
                    _at++;
                    continue;
                }

                Expect('}');
                return OracleValue.Members.Of(raw);
            }
        }

        private OracleValue.List Array()
        {
            _at++;
            var items = new List<OracleValue>();
            SkipSpace();
            if (text[_at] == ']')
            {
                _at++;
                return new OracleValue.List(items);
            }

            while (true)
            {
                items.Add(Value());
                SkipSpace();
                if (text[_at] == ',')
                {
                    _at++;
                    continue;
                }

                Expect(']');
                return new OracleValue.List(items);
            }
        }

        private string String()
        {
            Expect('"');
            var units = new StringBuilder();
            var start = _at;
            while (text[_at] != '"')
            {
                if (text[_at] != '\\')
                {
                    var end = _at;
                    while (end < text.Length && text[end] is not ((byte)'"' or (byte)'\\'))
                    {
                        end++;
                    }

                    units.Append(OracleValue.Replaced(text.AsSpan(_at, end - _at)));
                    _at = end;
                    continue;
                }

                _at++;
                var escape = (char)text[_at++];
                units.Append(escape switch
                {
                    '"' => "\"",
                    '\\' => "\\",
                    '/' => "/",
                    'b' => "\b",
                    'f' => "\f",
                    'n' => "\n",
                    'r' => "\r",
                    't' => "\t",
                    'u' => ((char)int.Parse(Encoding.ASCII.GetString(text, (_at += 4) - 4, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToString(),
                    _ => throw new FormatException("bad escape"),
                });
            }

            _ = start;
            _at++;
            return oracle._replaceLoneSurrogates ? WellFormed(units.ToString()) : units.ToString();
        }

        private OracleValue Number()
        {
            var start = _at;
            while (_at < text.Length && text[_at] is (byte)'-' or (byte)'+' or (byte)'.' or (byte)'e' or (byte)'E' or >= (byte)'0' and <= (byte)'9')
            {
                _at++;
            }

            if (_at == start)
            {
                throw new FormatException("not a value");
            }

            return oracle._number(Encoding.ASCII.GetString(text, start, _at - start)) ?? throw new FormatException("number out of range");
        }

        private OracleValue.Literal Word(string word)
        {
            if (_at + word.Length > text.Length || Encoding.ASCII.GetString(text, _at, word.Length) != word)
            {
                throw new FormatException("not a value");
            }

            _at += word.Length;
            return new OracleValue.Literal(word);
        }

        private void Expect(char c)
        {
            if (_at >= text.Length || text[_at] != c)
            {
                throw new FormatException($"expected {c}");
            }

            _at++;
        }

        private static string WellFormed(string units)
        {
            var result = new StringBuilder(units.Length);
            for (var i = 0; i < units.Length; i++)
            {
                if (char.IsHighSurrogate(units[i]) && i + 1 < units.Length && char.IsLowSurrogate(units[i + 1]))
                {
                    result.Append(units[i]).Append(units[++i]);
                }
                else
                {
                    result.Append(char.IsSurrogate(units[i]) ? '\uFFFD' : units[i]);
                }
            }

            return result.ToString();
        }
    }
}
