using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Gatehouse.Relay.Tests.Differential;

/// <summary>A message as the bytes a hostile client sends; shown as text with the bytes that are not ASCII spelled out.</summary>
public sealed record HostileMessage(byte[] Bytes)
{
    public override string ToString() =>
        string.Concat(Bytes.Select(b => b is >= 0x20 and < 0x7F ? ((char)b).ToString() : $"<{b:X2}>"));
}

/// <summary>
/// Random JSON-RPC requests built from the pieces that split readers: names that differ in case or by a folding
/// character, numbers past a double, surrogate escapes, bytes that are not UTF-8, duplicated members, odd ids.
/// </summary>
public static class HostileMessages
{
    private static readonly string[] s_plainNames = ["b", "c", "d", "subject", "lists", "body", "to", "count", "id", "x1", "x2", "x3"];

    private static readonly string[] s_plainNumbers = ["0", "7", "-3", "12.5", "1e3", "0.25", "42"];

    private static readonly string[] s_plainStrings = ["\"hello\"", "\"\"", "\"Subscribers\"", "\"\u00e9t\u00e9\"", "\"\u2603\""];

    private static readonly string[] s_names =
    [
        "name", "Name", "NAME", "n\\u0061me", "arguments", "Arguments", "argument\u017F", "argument\\u017f", "ARGUMENTS",
        "key", "Key", "\u212Aey", "\\u212aey", "campaign_id", "campaign\\u005fid", "Campaign_Id", "a", "A", "\u00E9", "\u00C9",
        "e\u0301", "\\ud800", "\\udc00x", "\\ud83d\\ude00", "__proto__", "",
    ];

    private static readonly string[] s_numbers =
    [
        "1", "1.0", "-0", "0.1", "1e2", "1E+2", "2.5", "1.0000000000000000000001", "0.1000000000000000000001", "1e400", "-1e400",
        "1e-400", "9007199254740991", "9007199254740993", "-9007199254740993", "123456789012345678901234567890", "5e-324",
        "1.7976931348623157e308", "1.7976931348623159e308", "0.30000000000000004", "100000000000000000000000",
        "1152921504606847000", "1.152921504606847e18", "1152921504606846976",
    ];

    private static readonly string[] s_strings =
    [
        "\"send_campaign\"", "\"echo\"", "\"\\ud800\"", "\"\\udc00\"", "\"a\\ud83d\"", "\"\\ud83d\\ude00\"", "\"caf\\u00e9\"",
        "\"\\\\ud800\"", "\"\u212A\"", "\"\"", "\"\\u0000\"", "\"line\\nbreak\"",
    ];

    private static readonly byte[][] s_invalidUtf8 = [[0xC3, 0x28], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xFF], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]];

    private static readonly string[] s_ids = ["1", "\"r1\"", "9007199254740991", "9007199254740992", "9007199254740993", "-0", "1.5", "1e2", "0", "\"\\ud800\""];

    private static readonly string[] s_methods = ["tools/call", "tools/call", "tools/call", "prompts/get", "resources/read", "ping"];

    public static Arbitrary<HostileMessage> Messages() => Arb.From(Message());

    private static Gen<HostileMessage> Message() =>
        from id in Gen.Frequency((3, Gen.Elements("1", "\"r1\"", "42")), (1, Gen.Elements(s_ids)))
        from method in Gen.Elements(s_methods)
        from parameters in Params()
        from extra in Gen.Elements("", "", "", "", "", ",\"params\":{}", ",\"Params\":{\"name\":\"x\"}", ",\"id\":2", ",\"method\":\"ping\"", ",\"jsonrpc\":\"2.0\"")
        from order in Gen.Elements(0, 1)
        select new HostileMessage(Assemble(order == 0
            ? [Ascii($"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"method\":\"{method}\",\"params\":"), parameters, Ascii(extra + "}")]
            : [Ascii("{\"params\":"), parameters, Ascii($",\"method\":\"{method}\",\"id\":{id},\"jsonrpc\":\"2.0\"{extra}}}")]));

    private static Gen<byte[]> Params() =>
        from name in Gen.OneOf(Gen.Elements(s_strings).Select(Ascii), Gen.Constant(Ascii("\"send_campaign\"")))
        from arguments in Value(3)
        from members in Name().Zip(Value(1)).ListOf().Select(list => list.Take(3).ToList())
        from nameKey in Gen.Elements("name", "name", "name", "name", "name", "Name", "n\\u0061me")
        from argumentsKey in Gen.Elements("arguments", "arguments", "arguments", "arguments", "arguments", "Arguments", "argument\u017F")
        select Assemble([
            Ascii("{"), Key(nameKey), name, Ascii(","), Key(argumentsKey), arguments,
            .. members.SelectMany(m => new[] { Ascii(","), Key(m.Item1), m.Item2 }),
            Ascii("}")]);

    private static Gen<byte[]> Value(int depth) =>
        depth == 0
            ? Scalar()
            : Gen.Frequency(
                (3, Scalar()),
                (2, Object(depth - 1)),
                (1, Value(depth - 1).ListOf().Select(items => Assemble([Ascii("["), .. Join(items.Take(4)), Ascii("]")]))));

    private static Gen<byte[]> Object(int depth) =>
        from members in Name().Zip(Value(depth)).ListOf().Select(list => list.Take(4).ToList())
        select Assemble([Ascii("{"), .. Join(members.Select(m => Assemble([Key(m.Item1), m.Item2]))), Ascii("}")]);

    private static Gen<string> Name() => Gen.Frequency((8, Gen.Elements(s_plainNames)), (1, Gen.Elements(s_names)));

    private static Gen<byte[]> Scalar() =>
        Gen.Frequency(
            (20, Gen.Elements(s_plainNumbers).Select(Ascii)),
            (20, Gen.Elements(s_plainStrings).Select(Ascii)),
            (4, Gen.Elements(s_numbers).Select(Ascii)),
            (1, ArbMap.Default.GeneratorFor<double>().Where(double.IsFinite).Select(d => Ascii(d.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))),
            (3, Gen.Elements(s_strings).Select(Ascii)),
            (1, Gen.Elements(s_invalidUtf8).Select(bad => Assemble([Ascii("\"x"), bad, Ascii("\"")]))),
            (1, Gen.Elements("true", "false", "null").Select(Ascii)));

    private static byte[] Key(string name) => Assemble([Ascii("\""), Encoding.UTF8.GetBytes(name), Ascii("\":")]);

    private static IEnumerable<byte[]> Join(IEnumerable<byte[]> items) => items.SelectMany((item, i) => i == 0 ? new[] { item } : [Ascii(","), item]);

    private static byte[] Ascii(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] Assemble(IEnumerable<byte[]> parts) => [.. parts.SelectMany(p => p)];
}
