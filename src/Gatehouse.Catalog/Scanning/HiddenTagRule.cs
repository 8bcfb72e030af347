using System.Text.RegularExpressions;

namespace Gatehouse.Catalog;

/// <summary>
/// Markup a client's UI hides or a person skims past, and that a model takes as a message to itself:
/// &lt;IMPORTANT&gt; and &lt;system&gt; blocks, HTML and Markdown comments, chat-template tokens, text styled
/// invisible. Placeholders such as &lt;user&gt;@&lt;host&gt; or &lt;system_id&gt; are not tags: an opening tag
/// counts only for names that address a model, and with nothing but attributes after the name.
/// </summary>
internal static partial class HiddenTagRule
{
    private const string _openingNames =
        @"important|system|system\s*prompt|instructions?|hidden|sys|assistant|override|mandatory|urgent|critical"
        + @"|(ai|admin|secret|tool|hidden|model|system)\s*instructions?";

    private const string _closingNames =
        _openingNames + @"|secret|confidential|note|context|prompt|user|internal|private|rules?|directives?|reminder|policy";

    private static readonly Regex[] _phrases = [Tag(), HtmlComment(), ChatTemplateToken(), InvisibleStyle(), MarkdownComment()];

    public static string? Find(ReadableText text) =>
        _phrases.TryFindEarliest(text.Words, out var found) ? text.ExcerptOfWords(found) : null;

    [GeneratedRegex(
        $@"<\s*(({_openingNames})(\s+[a-z-]{{1,30}}\s*=[^<>\n]{{0,80}})?|/\s*({_closingNames}))\s*>",
        Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex Tag();

    [GeneratedRegex("<!--", Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex HtmlComment();

    /// <summary>&lt;|im_start|&gt; and its kind, read after underscores became spaces.</summary>
    [GeneratedRegex(@"<\|\s*[a-z][a-z \-]{1,20}\s*\|>", Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex ChatTemplateToken();

    [GeneratedRegex(
        @"\bstyle\s*=\s*[""'][^""'<>]{0,100}(display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0|opacity\s*:\s*0)",
        Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex InvisibleStyle();

    /// <summary>[//]: # (…) and [comment]: &lt;&gt; (…), which Markdown renders as nothing.</summary>
    [GeneratedRegex(@"(^|\n)\s*\[(//|comment|\s)\]\s*:\s*[#<]", Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex MarkdownComment();
}
