using Gatehouse.Policy.Engine;

namespace Gatehouse.Policy.Tests;

public class GlobPatternTests
{
    [Theory]
    [InlineData("get_*", "get_list", true)]
    [InlineData("get_*", "get_", true)]
    [InlineData("get_*", "Get_list", false)]
    [InlineData("get_*", "xget_list", false)]
    [InlineData("*_campaign", "send_campaign", true)]
    [InlineData("*_campaign", "_campaign", true)]
    [InlineData("*_campaign", "send_campaigns", false)]
    [InlineData("*", "", true)]
    [InlineData("*", "anything", true)]
    [InlineData("**", "x", true)]
    [InlineData("a*b*c", "abc", true)]
    [InlineData("a*b*c", "axxbyyc", true)]
    [InlineData("a*b*c", "acb", false)]
    [InlineData("a*a", "a", false)]
    [InlineData("a*a", "aa", true)]
    [InlineData("*ab*ab*", "abab", true)]
    [InlineData("*ab*ab*", "aba", false)]
    [InlineData("x*yy*y", "xyyy", true)]
    [InlineData("x*yy*y", "xyy", false)]
    [InlineData("file:///public/*", "file:///public/a/b?c=d", true)]
    [InlineData("*é", "caf\u00e9", true)]
    [InlineData("*é", "cafe\u0301", false)]
    [InlineData("a*😀", "ab😀", true)]
    public void Matches_ordinally_with_star_as_the_only_wildcard(string pattern, string name, bool expected)
    {
        Assert.Equal(expected, new GlobPattern(pattern).IsMatch(name));
    }

    [Theory]
    [InlineData("a?c", "abc", false)]
    [InlineData("a?c", "a?c", true)]
    [InlineData("[ab]", "a", false)]
    public void Question_marks_and_brackets_are_plain_characters(string pattern, string name, bool expected)
    {
        Assert.Equal(expected, new GlobPattern("*" + pattern).IsMatch(name));
    }

    [Theory]
    [InlineData("a*", "*b", true)]
    [InlineData("a*", "b*", false)]
    [InlineData("*a", "*b", false)]
    [InlineData("*x*", "a*", true)]
    [InlineData("abc", "a*c", true)]
    [InlineData("abc", "a*d", false)]
    [InlineData("file:///*", "file:///docs/*", true)]
    [InlineData("https://*", "file:///*", false)]
    public void Intersects_when_some_name_matches_both(string a, string b, bool expected)
    {
        Assert.Equal(expected, new GlobPattern(a).Intersects(new GlobPattern(b)));
        Assert.Equal(expected, new GlobPattern(b).Intersects(new GlobPattern(a)));
    }

    [Theory]
    [InlineData("file:///*", "file:///docs/*", true)]
    [InlineData("file:///docs/*", "file:///*", false)]
    [InlineData("*.md", "file:///*.md", true)]
    [InlineData("*x*", "a*x", true)]
    [InlineData("a*b", "a*", false)]
    public void Covers_when_every_name_the_other_matches_it_matches_too(string outer, string inner, bool expected)
    {
        Assert.Equal(expected, new GlobPattern(outer).Covers(new GlobPattern(inner)));
    }

    [Theory]
    [InlineData("file:///{path}", "file:///a/b.txt", true)]
    [InlineData("db://{schema}/tables/{table}", "db://main/tables/users", true)]
    [InlineData("db://{schema}/tables/{table}", "db://main/views/users", false)]
    [InlineData("file:///readme", "file:///readme", true)]
    [InlineData("file:///readme", "file:///readme2", false)]
    public void Uri_templates_become_patterns_with_a_star_per_expression(string template, string uri, bool expected)
    {
        Assert.Equal(expected, GlobPattern.FromUriTemplate(template).IsMatch(uri));
    }
}
