using System.Text;
using Gatehouse.Relay.Wire;
using ModelContextProtocol;

namespace Gatehouse.Relay.Tests.Wire;

/// <summary>Each way two JSON readers can read one message differently is found, at its path, with its reason.</summary>
public sealed class CanonicalJsonTests
{
    private static WireProblem? Problem(string json) => CanonicalJson.FindProblem(Encoding.UTF8.GetBytes(json));

    private static string Call(string arguments) =>
        $$$"""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"send_campaign","arguments":{{{arguments}}}}}""";

    [Theory]
    [InlineData("""{"campaign_id":1}""")]
    [InlineData("""{"a":0.1,"b":1e2,"c":-0,"d":5e-324,"e":1e22,"f":9007199254740991,"g":-2.5E-3}""")]
    [InlineData("""{"text":"caf\u00e9 \ud83d\ude00 \\ud800 plain"}""")]
    [InlineData("""{"a":{"key":1},"b":{"key":2},"list":[{"k":1},{"k":2}]}""")]
    [InlineData("""{"long":1.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000}""")]
    public void A_message_every_reader_reads_alike_passes(string arguments) => Assert.Null(Problem(Call(arguments)));

    [Theory]
    [InlineData("""{"campaign_id":1.0000000000000000000001}""", "$.params.arguments.campaign_id")]
    [InlineData("""{"campaign_id":1e400}""", "$.params.arguments.campaign_id")]
    [InlineData("""{"campaign_id":-1e400}""", "$.params.arguments.campaign_id")]
    [InlineData("""{"campaign_id":1e-400}""", "$.params.arguments.campaign_id")]
    [InlineData("""{"ids":[1,9007199254740993]}""", "$.params.arguments.ids[1]")]
    [InlineData("""{"n":123456789012345678901234567890}""", "$.params.arguments.n")]
    public void Numbers_that_doubles_do_not_hold_are_refused(string arguments, string path)
    {
        var problem = Assert.IsType<WireProblem>(Problem(Call(arguments)));
        Assert.Equal(path, problem.Path);
        Assert.Equal(McpErrorCode.InvalidParams, problem.Code);
        Assert.Contains("IEEE double", problem.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"a":"x","a":"y"}""", "\"a\" occurs twice")]
    [InlineData("""{"a":"x","\u0061":"y"}""", "\"a\" occurs twice")]
    [InlineData("""{"key":1,"Key":2}""", "differ only in case")]
    [InlineData("""{"key":1,"\u212Aey":2}""", "differ only in case")]
    [InlineData("""{"nested":{"s":1,"\u017F":2}}""", "differ only in case")]
    [InlineData("""{"\u00C9t\u00E9":1,"\u00E9T\u00C9":2}""", "differ only in case")]
    public void Member_names_equal_byte_for_byte_or_under_case_folding_are_refused(string arguments, string reason)
    {
        var problem = Assert.IsType<WireProblem>(Problem(Call(arguments)));
        Assert.Contains(reason, problem.Reason, StringComparison.Ordinal);
        Assert.StartsWith("$.params.arguments", problem.Path, StringComparison.Ordinal);
    }

    [Fact]
    public void Params_whose_name_and_arguments_go_by_two_spellings_are_refused()
    {
        Assert.Equal("$.params.Name", Problem("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a","Name":"b"}}""")!.Path);
        Assert.Equal("$.params.argument\u017F",
            Problem("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a","arguments":{},"argument\u017F":{"x":1}}}""")!.Path);
    }

    [Theory]
    [InlineData("Arguments", "arguments")]
    [InlineData("argument\u017F", "arguments")]
    [InlineData("NAME", "name")]
    [InlineData("Uri", "uri")]
    [InlineData("_Meta", "_meta")]
    public void Another_spelling_of_a_field_MCP_defines_in_params_is_refused(string spelling, string field)
    {
        var problem = Problem("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"" + spelling + "\":{}}}");

        Assert.Equal($"$.params.{System.Text.Json.JsonDocument.Parse($"\"{spelling}\"").RootElement.GetString()}", problem!.Path);
        Assert.Contains($"\"{field}\"", problem.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"t":"\ud800"}""")]
    [InlineData("""{"t":"\udc00x"}""")]
    [InlineData("""{"t":"a\ud83d"}""")]
    [InlineData("""{"t":"\ud83d\u0041"}""")]
    [InlineData("""{"\ud800":1}""")]
    public void Lone_surrogates_are_refused(string arguments)
    {
        var problem = Assert.IsType<WireProblem>(Problem(Call(arguments)));
        Assert.Contains("lone surrogate", problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_that_is_not_UTF8_is_refused_with_its_offset()
    {
        var bytes = Encoding.UTF8.GetBytes(Call("""{"t":"ab"}"""));
        var at = Array.IndexOf(bytes, (byte)'a', 60);
        bytes[at] = 0xC3;
        bytes[at + 1] = 0x28;

        var problem = Assert.IsType<WireProblem>(CanonicalJson.FindProblem(bytes));

        Assert.Equal(McpErrorCode.ParseError, problem.Code);
        Assert.Contains($"from byte {at}", problem.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("9007199254740991", true)]
    [InlineData("-9007199254740991", true)]
    [InlineData("\"9007199254740993\"", true)]
    [InlineData("9007199254740992", false)]
    [InlineData("-9007199254740992", false)]
    [InlineData("1.5", false)]
    [InlineData("1e2", false)]
    [InlineData("18446744073709551616", false)]
    [InlineData("-9223372036854775808", false)]
    [InlineData("9223372036854775807", false)]
    public void Numeric_request_ids_must_be_safe_integers(string id, bool passes)
    {
        var problem = Problem($$"""{"jsonrpc":"2.0","id":{{id}},"method":"ping"}""");
        if (passes)
        {
            Assert.Null(problem);
            return;
        }

        Assert.Equal("$.id", problem!.Path);
        Assert.Equal(McpErrorCode.InvalidRequest, problem.Code);
    }

    [Theory]
    [InlineData("7", true)]
    [InlineData("\"7\"", true)]
    [InlineData("7.0", false)]
    [InlineData("7e0", false)]
    [InlineData("9007199254740993", false)]
    public void The_request_id_a_cancellation_names_is_an_integer(string requestId, bool passes)
    {
        var problem = Problem($$$"""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":{{{requestId}}},"reason":"x"}}""");

        Assert.Equal(passes, problem is null);
        Assert.Equal(passes ? null : "$.params.requestId", problem?.Path);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{\"a\":1,}")]
    [InlineData("{\"a\":NaN}")]
    [InlineData("{\"a\":1}/*c*/")]
    [InlineData("{\"a\":1} {\"b\":2}")]
    public void Text_that_is_not_one_JSON_value_is_a_parse_error(string json) =>
        Assert.Equal(McpErrorCode.ParseError, Problem(json)!.Code);

    [Fact]
    public void A_message_is_an_object() => Assert.Equal(McpErrorCode.InvalidRequest, Problem("\"ping\"")!.Code);

    [Fact]
    public void Nesting_deeper_than_readers_allow_is_refused()
    {
        var deep = new string('[', 100) + new string(']', 100);
        Assert.Equal(McpErrorCode.ParseError, Problem(Call($$"""{"a":{{deep}}}"""))!.Code);
    }

    [Theory]
    [InlineData("s", "s")]
    [InlineData("\u017F", "s")]
    [InlineData("\u212A", "k")]
    [InlineData("K", "k")]
    [InlineData("\u03D1", "\u03B8")]
    [InlineData("\u00B5", "\u03BC")]
    [InlineData("\U00010400", "\U00010428")]
    public void Folding_puts_each_case_orbit_on_one_name(string name, string folded) =>
        Assert.Equal(folded, CanonicalJson.Fold(name));

    [Theory]
    [InlineData("{{\"{0}\":1,\"{0}\":2}}")]
    [InlineData("{{\"{0}\":1,\"{1}\":2}}")]
    [InlineData("{{\"{0}\":{{\"a\":1,\"a\":2}}}}")]
    [InlineData("{{\"n\":1{2}}}")]
    public void A_refusal_shows_a_long_name_or_number_only_in_part(string arguments)
    {
        var name = new string('k', 100_000);
        var problem = Assert.IsType<WireProblem>(Problem(Call(string.Format(System.Globalization.CultureInfo.InvariantCulture, arguments, name, name.ToUpperInvariant(), new string('1', 100_000)))));

        Assert.True(problem.Path.Length + problem.Reason.Length < 1_000, $"{problem.Path.Length} + {problem.Reason.Length} characters");
        Assert.Contains("…", problem.Path + problem.Reason, StringComparison.Ordinal);
    }
}
