using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gatehouse.Catalog;

/// <summary>
/// One spelling for each JSON value, which pins are hashed over: written here, byte by byte, because the runtime's
/// JSON writer escapes as its encoder decides, and that may change from one .NET release to the next. Two servers
/// that write the same definition differently hash alike; any change of content does not.
/// </summary>
/// <remarks>
/// RFC 8785 (the JSON Canonicalization Scheme), but for numbers: object members sorted by the UTF-16 code units of
/// their names, no whitespace; strings escaped only where JSON requires (<c>\"</c>, <c>\\</c>, <c>\b \t \n \f \r</c>,
/// and <c>\u00xx</c> in lower-case hex for the other characters below U+0020), every other character as itself in
/// UTF-8 (half of a surrogate pair, which JSON read from a server never holds, as <c>\udxxx</c>). Numbers are kept
/// as the server wrote them (<c>1.0</c> stays <c>1.0</c>, <c>-0</c> stays <c>-0</c>) rather than rewritten as the
/// nearest double: pins made before this writer, over numbers as written, stay valid, and two numbers a double
/// cannot tell apart (9007199254740993 and 9007199254740992) stay two definitions.
/// </remarks>
internal static class CanonicalJson
{
    private const string HexDigits = "0123456789abcdef";

    /// <summary>The canonical spelling of <paramref name="node"/>; <paramref name="indented"/> for a person to read (and diff) it.</summary>
    /// <exception cref="ArgumentException">A value is not JSON (a number that is not finite, for one).</exception>
    public static string Write(JsonNode? node, bool indented = false)
    {
        var writer = new Writer(indented);
        writer.Value(node);
        return writer.ToString();
    }

    private sealed class Writer(bool indented)
    {
        private readonly StringBuilder _text = new();
        private int _depth;

        public override string ToString() => _text.ToString();

        public void Value(JsonNode? node)
        {
            switch (node)
            {
                case null:
                    _text.Append("null");
                    break;
                case JsonObject obj:
                    Members(obj.OrderBy(member => member.Key, StringComparer.Ordinal), '{', '}', member =>
                    {
                        Quoted(member.Key);
                        _text.Append(indented ? ": " : ":");
                        Value(member.Value);
                    });
                    break;
                case JsonArray array:
                    Members(array, '[', ']', Value);
                    break;
                default:
                    Scalar(node.AsValue());
                    break;
            }
        }

        private void Members<T>(IEnumerable<T> members, char open, char close, Action<T> write)
        {
            _text.Append(open);
            _depth++;
            var empty = true;
            foreach (var member in members)
            {
                if (!empty)
                {
                    _text.Append(',');
                }

                empty = false;
                NewLine();
                write(member);
            }

            _depth--;
            if (!empty)
            {
                NewLine();
            }

            _text.Append(close);
        }

        private void NewLine()
        {
            if (indented)
            {
                _text.Append('\n').Append(' ', 2 * _depth);
            }
        }

        private void Scalar(JsonValue value)
        {
            switch (value.GetValueKind())
            {
                case JsonValueKind.String:
                    Quoted(value.GetValue<string>());
                    break;
                case JsonValueKind.Number:
                    // The server's own digits; a number built in code has no such text, and is written as .NET spells it.
                    _text.Append(value.TryGetValue(out JsonElement element) ? element.GetRawText() : value.ToJsonString());
                    break;
                case JsonValueKind.True:
                    _text.Append("true");
                    break;
                case JsonValueKind.False:
                    _text.Append("false");
                    break;
                case JsonValueKind.Null:
                    _text.Append("null");
                    break;
                default:
                    throw new ArgumentException($"A JSON value of kind {value.GetValueKind()} has no canonical spelling.", nameof(value));
            }
        }

        private void Quoted(string text)
        {
            _text.Append('"');
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                switch (c)
                {
                    case '"':
                        _text.Append("\\\"");
                        break;
                    case '\\':
                        _text.Append("\\\\");
                        break;
                    case '\b':
                        _text.Append("\\b");
                        break;
                    case '\t':
                        _text.Append("\\t");
                        break;
                    case '\n':
                        _text.Append("\\n");
                        break;
                    case '\f':
                        _text.Append("\\f");
                        break;
                    case '\r':
                        _text.Append("\\r");
                        break;
                    case var high when char.IsHighSurrogate(high) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]):
                        _text.Append(high).Append(text[++i]);
                        break;
                    case < ' ':
                    case var half when char.IsSurrogate(half):
                        // Half of a surrogate pair has no UTF-8 spelling: escaped, as JavaScript's JSON.stringify does.
                        // (JSON read from a server never gets here with one: the reader refuses it first.)
                        _text.Append("\\u").Append(HexDigits[c >> 12]).Append(HexDigits[(c >> 8) & 0xF]).Append(HexDigits[(c >> 4) & 0xF]).Append(HexDigits[c & 0xF]);
                        break;
                    default:
                        _text.Append(c);
                        break;
                }
            }

            _text.Append('"');
        }
    }
}
