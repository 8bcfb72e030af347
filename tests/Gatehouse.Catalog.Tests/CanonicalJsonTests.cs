using System.Text.Json.Nodes;

namespace Gatehouse.Catalog.Tests;

/// <summary>
/// The bytes a pin's hash is taken over, fixed: a .NET release that wrote any of them otherwise would fail here rather
/// than withhold every pinned tool. The expected texts and hashes were computed outside .NET (Node's JSON.stringify
/// over sorted keys, whose escaping is RFC 8785's, and sha256sum), except where a comment says they are the old ones.
/// </summary>
public sealed class CanonicalJsonTests
{
    [Fact]
    public void An_ordinary_definition_has_the_hash_it_had_before_gatehouse_wrote_the_canonical_form_itself() => AssertCanonical(
        """
        { "inputSchema": { "type": "object", "required": ["query"], "properties": {
            "query": { "type": "string", "description": "Words to look for: \"exact phrase\", a\\b, <tag> & 'quote' + `tick`" },
            "limit": { "type": "integer", "minimum": 1, "maximum": 100, "default": 10 } } },
          "name": "search_docs", "annotations": { "readOnlyHint": true, "openWorldHint": false },
          "description": "Searches the docs: café, naïve, Ωmega, 日本語, Привет.\nLine two\ttabbed\r\n", "title": "Search docs",
          "_meta": { "ignored": true } }
        """,
        """{"annotations":{"openWorldHint":false,"readOnlyHint":true},"description":"Searches the docs: café, naïve, Ωmega, 日本語, Привет.\nLine two\ttabbed\r\n","inputSchema":{"properties":{"limit":{"default":10,"maximum":100,"minimum":1,"type":"integer"},"query":{"description":"Words to look for: \"exact phrase\", a\\b, <tag> & 'quote' + `tick`","type":"string"}},"required":["query"],"type":"object"},"name":"search_docs","title":"Search docs"}""",
        "12611bca3ada0d9c18209ab10b3cdc07652dd93a5d747809562d363a4121613c");

    [Fact]
    public void Characters_json_does_not_require_escaping_are_written_as_themselves() => AssertCanonical(
        """{ "name": "greet", "description": "Hi 😀 and \u001b[31mred\u001b[0m, DEL \u007f, no\u00a0break, tag \udb40\udc41, line\u2028sep, bom \ufeff, private \ue000" }""",
        "{\"description\":\"Hi \U0001F600 and \\u001b[31mred\\u001b[0m, DEL \u007f, no\u00a0break, tag \U000E0041, line\u2028sep, bom \ufeff, private \ue000\",\"name\":\"greet\"}",
        // Before, the runtime's writer escaped all of these but the lower-case \u001b: the hash was c59a79de00e6...
        "ccf2c7cb754bebe63846d0b120868a88346209351915df6ed3706607db6462ed");

    [Fact]
    public void Numbers_keep_the_digits_the_server_wrote() => AssertCanonical(
        """{ "name": "tune", "inputSchema": { "type": "object", "properties": { "a": { "default": 1.0 }, "b": { "default": 1e21 }, "c": { "default": 0.1 }, "d": { "default": -0 }, "e": { "default": 1E+2 }, "f": { "default": 9007199254740993 }, "g": { "default": -1.5e-7 } } } }""",
        """{"inputSchema":{"properties":{"a":{"default":1.0},"b":{"default":1e21},"c":{"default":0.1},"d":{"default":-0},"e":{"default":1E+2},"f":{"default":9007199254740993},"g":{"default":-1.5e-7}},"type":"object"},"name":"tune"}""",
        // The same hash as before.
        "6b84026fe6c685d52cfc9099152434738e0ce8efdee472e9a70b616e32b317b4");

    [Fact]
    public void Members_are_sorted_by_utf16_code_units_at_every_depth() => AssertCanonical(
        // U+1F600 is D83D DE00 in UTF-16, so it sorts before U+FF5A, though its code point is greater.
        """{ "name": "keys", "inputSchema": { "properties": { "z": {}, "Z": {}, "a": {}, "é": {}, "\uff5a": {}, "😀": {}, "aa": {}, "a0": {}, "": {} } } }""",
        "{\"inputSchema\":{\"properties\":{\"\":{},\"Z\":{},\"a\":{},\"a0\":{},\"aa\":{},\"z\":{},\"\u00e9\":{},\"\U0001F600\":{},\"\uff5a\":{}}},\"name\":\"keys\"}",
        "5d11bbecc50a64b82db48dee37051666b4ee337b9b08d9fbda4d11921e40ba1b");

    [Fact]
    public void Control_characters_are_escaped_as_json_requires_and_nothing_else_is()
    {
        var text = string.Concat(Enumerable.Range(0, 0x20).Select(c => (char)c)) + "\"\\/<>&'+`\u007f\u0085\u00a0\u200b\u202e\U0001F600";

        Assert.Equal(
            "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015" +
            "\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\\\"\\\\/<>&'+`\u007f\u0085\u00a0\u200b\u202e\U0001F600\"",
            CanonicalJson.Write(JsonValue.Create(text)));
    }

    [Theory]
    [InlineData("""{"name":"t","description":"café 😀 a/b"}""", """{"description":"caf\u00e9 \ud83d\ude00 a\/b","name":"t"}""")]
    [InlineData("""{"name":"t","inputSchema":{"b":[1,2],"a":true}}""", """{ "inputSchema" : { "a" : true , "b" : [ 1 , 2 ] } , "name" : "t" }""")]
    public void The_same_content_written_differently_hashes_alike(string one, string other) =>
        Assert.Equal(Definition(one).Hash, Definition(other).Hash);

    [Theory]
    [InlineData("1", "1.0")]
    [InlineData("9007199254740992", "9007199254740993")]
    [InlineData("0", "-0")]
    public void Numbers_written_otherwise_hash_otherwise(string one, string other) =>
        Assert.NotEqual(WithMaximum(one).Hash, WithMaximum(other).Hash);

    [Fact]
    public void Half_a_surrogate_pair_is_escaped_as_javascript_escapes_it_and_read_from_a_server_is_refused()
    {
        Assert.Equal("\"a\\ud800b\\udc00\"", CanonicalJson.Write(JsonValue.Create("a\ud800b\udc00")));
        Assert.Null(ToolDefinition.FromJson(JsonNode.Parse("""{"name":"t","description":"ends with \ud83d"}""")!.AsObject()));
    }

    [Fact]
    public void The_indented_form_for_a_reviewer_puts_each_member_on_a_line_of_its_own() =>
        Assert.Equal(
            "{\n  \"a\": {\n    \"c\": []\n  },\n  \"b\": [\n    1.0,\n    {},\n    \"\U0001F600\"\n  ]\n}",
            CanonicalJson.Write(JsonNode.Parse("""{"b":[1.0,{},"\ud83d\ude00"],"a":{"c":[]}}"""), indented: true));

    private static void AssertCanonical(string listed, string canonical, string hash)
    {
        var definition = Definition(listed);

        Assert.Equal(canonical, CanonicalJson.Write(definition.Pinned));
        Assert.Equal(hash, definition.Hash);
    }

    private static ToolDefinition WithMaximum(string number) => Definition("""{"name":"t","inputSchema":{"maximum":""" + number + "}}");

    private static ToolDefinition Definition(string json) => ToolDefinition.FromJson(JsonNode.Parse(json)!.AsObject())!;
}
