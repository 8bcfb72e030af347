using Gatehouse.Policy.Arguments;

namespace Gatehouse.Policy.Tests;

public class ArgumentPathTests
{
    [Theory]
    [InlineData("$", "$")]
    [InlineData("$.list_ids", "$.list_ids")]
    [InlineData("list_ids", "$.list_ids")]
    [InlineData("options.mode", "$.options.mode")]
    [InlineData("$.a[0].b", "$.a[0].b")]
    [InlineData("$[\"send at\"]", "$[\"send at\"]")]
    [InlineData("$['send at']", "$[\"send at\"]")]
    [InlineData("$['it\\'s']", "$[\"it's\"]")]
    [InlineData("$[\"a.b\"]", "$[\"a.b\"]")]
    [InlineData("$.a-b", "$[\"a-b\"]")]
    [InlineData("$.0", "$[\"0\"]")]
    [InlineData("$.é", "$[\"é\"]")]
    public void Accepts_plain_and_bracketed_steps_and_spells_them_canonically(string text, string canonical)
    {
        Assert.True(ArgumentPath.TryParse(text, out var path, out var error), error);
        Assert.Equal(canonical, path.Text);
    }

    [Theory]
    [InlineData("", "must not be empty")]
    [InlineData("$..a", "recursive descent")]
    [InlineData("$.*", "wildcards")]
    [InlineData("$.a[*]", "wildcards, slices and filters are not supported")]
    [InlineData("$.a[?(@.b)]", "not supported")]
    [InlineData("$.a[-1]", "non-negative")]
    [InlineData("$.a[0:2]", "slices")]
    [InlineData("$.", "not a plain name")]
    [InlineData("$.a b", "not a plain name")]
    [InlineData("$[\"a\"", "unclosed")]
    [InlineData("$[", "unclosed")]
    [InlineData("$a", "unexpected 'a'")]
    [InlineData("$.a[99999999999]", "too large")]
    public void Refuses_what_it_does_not_support_with_a_reason(string text, string reason)
    {
        Assert.False(ArgumentPath.TryParse(text, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", """{ "a": 1 }""", "$")]
    [InlineData("/a/0/b", """{ "a": [ { "b": 1 } ] }""", "$.a[0].b")]
    [InlineData("/0", """{ "0": 1 }""", "$[\"0\"]")]
    [InlineData("/a~1b/c~0d", """{ "a/b": { "c~d": 1 } }""", "$[\"a/b\"][\"c~d\"]")]
    public void Turns_json_pointers_into_paths(string pointer, string document, string expected)
    {
        Assert.Equal(expected, ArgumentPath.FromPointer(pointer, Policies.Args(document)));
    }
}
