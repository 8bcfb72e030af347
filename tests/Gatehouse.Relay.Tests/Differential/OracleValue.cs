using System.Globalization;
using System.Numerics;
using System.Text;

namespace Gatehouse.Relay.Tests.Differential;

/// <summary>
/// What a reader made of a JSON value, in a form two readers can be compared in: numbers as exact decimals,
/// strings as UTF-16 code units (lone surrogates included), objects as the members a program would see.
/// </summary>
public abstract record OracleValue
{
    /// <summary>A number, written as exactly the decimal value the reader holds.</summary>
    public sealed record Number(string Exact) : OracleValue;

    public sealed record Text(string Value) : OracleValue
    {
        public override string ToString() => string.Concat(Value.Select(c => c is < ' ' or > '~' ? $"\\u{(int)c:x4}" : c.ToString()));
    }

    public sealed record Literal(string Token) : OracleValue;

    public sealed record List(IReadOnlyList<OracleValue> Items) : OracleValue
    {
        public bool Equals(List? other) => other is not null && Items.SequenceEqual(other.Items);

        public override int GetHashCode() => Items.Count;

        public override string ToString() => $"[{string.Join(",", Items)}]";
    }

    /// <summary>
    /// An object's members as its reader keeps them (one value a name, the last of equal names winning, in name
    /// order), and as they were written, for readers that look fields up their own way.
    /// </summary>
    public sealed record Members(IReadOnlyList<KeyValuePair<string, OracleValue>> Items, IReadOnlyList<KeyValuePair<string, OracleValue>> RawItems) : OracleValue
    {
        public static Members Of(IReadOnlyList<KeyValuePair<string, OracleValue>> raw)
        {
            var kept = new Dictionary<string, OracleValue>(StringComparer.Ordinal);
            foreach (var (name, value) in raw)
            {
                kept[name] = value;
            }

            return new Members([.. kept.OrderBy(m => m.Key, StringComparer.Ordinal)], raw);
        }

        public bool Equals(Members? other) => other is not null && Items.SequenceEqual(other.Items);

        public override int GetHashCode() => Items.Count;

        public override string ToString() => $"{{{string.Join(",", Items.Select(i => $"{new Text(i.Key)}:{i.Value}"))}}}";

        public OracleValue? this[string name] => Items.FirstOrDefault(i => i.Key == name).Value;
    }

    /// <summary>What a reader could not make one thing of (two members of one name): equal to nothing.</summary>
    public sealed record Ambiguous(string Why) : OracleValue
    {
        public bool Equals(Ambiguous? other) => false;

        public override int GetHashCode() => 0;
    }

    /// <summary>The exact decimal value of a JSON number literal, as a canonical text.</summary>
    public static string ExactDecimal(string literal)
    {
        var negative = literal.StartsWith('-');
        var body = negative ? literal[1..] : literal;
        var exponentAt = body.IndexOfAny(['e', 'E']);
        var exponent = exponentAt < 0 ? BigInteger.Zero : BigInteger.Parse(body[(exponentAt + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var mantissa = exponentAt < 0 ? body : body[..exponentAt];
        var point = mantissa.IndexOf('.');
        if (point >= 0)
        {
            exponent -= mantissa.Length - point - 1;
            mantissa = mantissa.Remove(point, 1);
        }

        var digits = mantissa.TrimStart('0');
        if (digits.Length == 0)
        {
            return "0";
        }

        var trimmed = digits.TrimEnd('0');
        exponent += digits.Length - trimmed.Length;
        return $"{(negative ? "-" : "")}{trimmed}e{exponent}";
    }

    /// <summary>
    /// The decimal value of a double: below 2^53 the shortest text that reads back as it (what the decision compares
    /// against a policy's decimals), from 2^53 on the integer it is, every digit, as a reader of doubles holds it.
    /// </summary>
    public static string ExactDecimal(double value) =>
        !double.IsFinite(value) ? value > 0 ? "Infinity" : "-Infinity"
        : Math.Abs(value) >= 9007199254740992d ? ExactDecimal(new BigInteger(value).ToString(CultureInfo.InvariantCulture))
        : ExactDecimal(value.ToString("R", CultureInfo.InvariantCulture));

    /// <summary>The UTF-16 text of raw UTF-8 bytes, each invalid sequence replaced by U+FFFD, as JavaScript and Go decode.</summary>
    public static string Replaced(ReadOnlySpan<byte> utf8) => Encoding.UTF8.GetString(utf8);
}
