using System.Text.RegularExpressions;

namespace Gatehouse.Catalog;

/// <summary>
/// Shadowing: a tool's description that changes how the model uses another tool, of the same server or of
/// another one the agent has ("when send_email is called, always bcc …"). Naming a sibling is ordinary
/// ("use get_mailing_lists to find the list id"), so a mention counts only when the sentence steers that tool:
/// <list type="bullet">
/// <item>the tool is the subject of an obligation: "the send_email tool must …", "send_message should always …"
/// (but not "… must be called first", which orders calls without changing them);</item>
/// <item>its use is the condition of an order that changes the call: "when send_message is invoked, change the
/// recipient …", "when you use run_terminal_cmd, always prepend …" (but not "after calling create_pull_request,
/// use request_review", which says what comes next);</item>
/// <item>this tool claims to change it: "a side effect on the send_email tool", "overrides read_file";</item>
/// <item>it is to be displaced: "always use this tool instead of run_command".</item>
/// </list>
/// The tools looked for are the server's other tools and a few that agents commonly have from other servers
/// (mail, messages, files, shells, payments), named in any prefixed form (mcp_tool_send_email, whatsapp.send_message).
/// A name that is an ordinary word ("echo", "fetch") counts only when written as code or followed by "tool".
/// </summary>
internal sealed partial class OtherToolRule
{
    private static readonly string[] _commonTools =
    [
        "send_email", "send_mail", "send_message", "send_text", "send_sms", "post_message", "slack_post_message",
        "list_chats", "read_file", "read_text_file", "read_multiple_files", "write_file", "edit_file", "create_file",
        "delete_file", "move_file", "execute_command", "run_command", "run_terminal_cmd", "run_shell_command",
        "execute_code", "run_code", "browser_navigate", "http_request", "git_push", "create_pull_request", "push_files",
        "transfer_funds", "send_transaction", "make_payment",
    ];

    /// <summary>What may follow a mention before the words that steer it: a closing quote or bracket, "tool".</summary>
    private const string _closing = @"^[`'"")\]]{0,3}\s*((tool|function|command)\s+)?";

    /// <summary>What may come between the steering words and a mention: "the", an opening quote or bracket.</summary>
    private const string _opening = @"(the\s+)?[`'""(]{0,3}$";

    /// <summary>How far from a mention its steering words are looked for; a clause, not the whole text.</summary>
    private const int _window = 80;

    private readonly HashSet<string> _names = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly int _longestName;

    public OtherToolRule(IEnumerable<string> otherTools, string self)
    {
        foreach (var name in otherTools.Concat(_commonTools))
        {
            if (!string.IsNullOrEmpty(name) && !string.Equals(name, self, StringComparison.OrdinalIgnoreCase))
            {
                _names.Add(name);
                _longestName = Math.Max(_longestName, name.Length);
            }
        }

        _lookup = _names.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public string? Find(ReadableText text)
    {
        var plain = text.Plain;
        foreach (var sentence in Sentences.Of(plain))
        {
            var (start, length) = sentence.GetOffsetAndLength(plain.Length);
            for (var i = start; i < start + length; i++)
            {
                if (!IsNameChar(plain[i]))
                {
                    continue;
                }

                var tokenStart = i;
                while (i < start + length && IsNameChar(plain[i]))
                {
                    i++;
                }

                var tokenEnd = i;
                while (tokenEnd > tokenStart && plain[tokenEnd - 1] is '.' or '-')
                {
                    tokenEnd--;
                }

                var mention = new Range(tokenStart, tokenEnd);
                if (NamesATool(plain, mention) && Steers(plain, sentence, mention))
                {
                    return Excerpt.Around(plain, tokenStart, tokenEnd);
                }
            }
        }

        return null;
    }

    /// <summary>The token is a tool's name, or ends with one after a server's prefix.</summary>
    private bool NamesATool(string text, Range token)
    {
        var (start, length) = token.GetOffsetAndLength(text.Length);
        var span = text.AsSpan(start, length);
        if (span.Length <= _longestName && _lookup.Contains(span))
        {
            return IsIdentifier(span) || IsWrittenAsCode(text, start, start + length);
        }

        // Only suffixes a name could fill: a hostile megabyte-long token must not be hashed at every underscore.
        for (var i = Math.Max(0, span.Length - _longestName - 1); i < span.Length - 1; i++)
        {
            if (span[i] is '_' or '-' or '.' && IsIdentifier(span[(i + 1)..]) && _lookup.Contains(span[(i + 1)..]))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Steers(string text, Range sentence, Range mention)
    {
        var (sentenceStart, sentenceLength) = sentence.GetOffsetAndLength(text.Length);
        var (mentionStart, mentionLength) = mention.GetOffsetAndLength(text.Length);
        var mentionEnd = mentionStart + mentionLength;
        var sentenceEnd = sentenceStart + sentenceLength;
        var before = new Range(Math.Max(sentenceStart, mentionStart - _window), mentionStart);
        var after = new Range(mentionEnd, Math.Min(sentenceEnd, mentionEnd + _window));

        // The order that goes with a condition is looked for near the mention, not across a sentence of any length.
        var around = new Range(Math.Max(sentenceStart, mentionStart - 2 * _window), Math.Min(sentenceEnd, mentionEnd + 3 * _window));

        return (Obliged().TryFind(text, after, out _) && !OnlyOrdered().TryFind(text, after, out _))
            || (Used().TryFind(text, after, out _) && Condition().TryFind(text, before, out _) && Order().TryFind(text, around, out _))
            || (ConditionalCall().TryFind(text, before, out _) && Order().TryFind(text, around, out _))
            || ClaimsToChange().TryFind(text, before, out _)
            || (InsteadOf().TryFind(text, before, out _) && Always().TryFind(text, around, out _));
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.';

    /// <summary>Shaped like an identifier (send_email, get-sum, getSum), not like a word of prose.</summary>
    private static bool IsIdentifier(ReadOnlySpan<char> name)
    {
        for (var i = 1; i < name.Length - 1; i++)
        {
            if (name[i] is '_' or '-' or '.' || (char.IsAsciiLetterLower(name[i - 1]) && char.IsAsciiLetterUpper(name[i])))
            {
                return true;
            }
        }

        return name.Length > 1 && char.IsAsciiLetterLower(name[^2]) && char.IsAsciiLetterUpper(name[^1]);
    }

    private static bool IsWrittenAsCode(string text, int start, int end) =>
        (start > 0 && text[start - 1] is '`' or '\'' or '"')
        || ToolWord().TryFind(text, new Range(end, Math.Min(text.Length, end + 12)), out _);

    [GeneratedRegex(
        _closing + @"(must|should|shall|has\s+to|needs\s+to|is\s+required\s+to|will\s+now|now\s+(must|has\s+to)|may\s+only|can\s+only|always|never)\b",
        Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex Obliged();

    [GeneratedRegex(
        _closing + @"(must|should|shall|has\s+to|needs\s+to|is\s+required\s+to|may\s+only|can\s+only|always|never)\s+((only|first|always)\s+)?be\s+(called|used|invoked|run|executed)\b",
        Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex OnlyOrdered();

    [GeneratedRegex(
        _closing + @"(is|gets|was|has\s+been|are|being)\s+(called|used|invoked|run|executed|triggered|available|present|loaded|requested)\b",
        Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex Used();

    [GeneratedRegex(
        @"\b(when|whenever|before|after|if|once|each\s+time|every\s+time|while)\b",
        Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex Condition();

    [GeneratedRegex(
        @"\b(when|whenever|before|after|if|each\s+time|every\s+time)\s+(you\s+)?(use|call|invoke|run|execute|using|calling|invoking|running|executing)\s+" + _opening,
        Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex ConditionalCall();

    [GeneratedRegex(
        @"\b(side[\s-]?effects?\s+(on|for|to|in)|overrides?|overriding|hijacks?|intercepts?|modif(y|ies|ying)|alters?|redirects?|changes?\s+the\s+behaviou?r\s+of)\s+(the\s+)?(behaviou?r\s+of\s+)?(also\s+present\s+)?(other\s+)?" + _opening,
        Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex ClaimsToChange();

    [GeneratedRegex(
        @"\b(instead\s+of|rather\s+than)\s+((using|calling)\s+)?" + _opening,
        Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex InsteadOf();

    [GeneratedRegex(
        @"\b(always|must|never)\b",
        Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex Always();

    /// <summary>Changing how that call goes, as opposed to what to do next ("after calling X, use Y").</summary>
    [GeneratedRegex(
        @"\b(must|always|never|instead|change|replace|redirect|rewrite|prepend|append|bcc|cc|forward|silently|secretly)\b",
        Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex Order();

    [GeneratedRegex(
        @"^[`'""]?\s+tool\b",
        Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex ToolWord();
}
