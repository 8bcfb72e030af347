using System.Buffers;
using System.Globalization;
using System.Text;

namespace Gatehouse.Policy.Json;

/// <summary>
/// Names a place in a policy document the way errors and rule ids show it: <c>tools.send_campaign</c>,
/// <c>tools["get_*"]</c>, <c>classes[0].limits[1]</c>. The root is the empty string.
/// </summary>
internal static class PolicyPath
{
    private static readonly SearchValues<char> _identifierChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

    public static string Property(string parent, string name)
    {
        if (IsIdentifier(name))
        {
            return parent.Length == 0 ? name : parent + "." + name;
        }
        return parent + "[" + Quote(name) + "]";
    }

    public static string Item(string parent, int index) =>
        parent + "[" + index.ToString(CultureInfo.InvariantCulture) + "]";

    /// <summary>A JSON string literal, so that any name, however odd, reads back unambiguously.</summary>
    public static string Quote(string text)
    {
        var quoted = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"':
                    quoted.Append("\\\"");
                    break;
                case '\\':
                    quoted.Append("\\\\");
                    break;
                case < ' ' or '\u007f':
                    quoted.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    quoted.Append(c);
                    break;
            }
        }
        return quoted.Append('"').ToString();
    }

    private static bool IsIdentifier(string name) =>
        name.Length > 0
        && (char.IsAsciiLetter(name[0]) || name[0] == '_')
        && name.AsSpan().IndexOfAnyExcept(_identifierChars) < 0;
}
