using System.Text.RegularExpressions;

namespace Gatehouse.Catalog;

/// <summary>
/// Text that speaks to the model rather than describing the tool: overriding what it was told, keeping
/// something from the user, conditions set before it may use the tool, threats if it does not comply, role
/// markers of a chat template. Ordinary descriptions also speak to the model ("Use this tool to send a
/// campaign", "You must provide a list id"); what sets these apart is secrecy, precedence over the user or
/// other instructions, and pressure, so that is what the phrases require.
/// </summary>
internal static partial class InstructionRule
{
    private const string _not = @"(do\s+not|don['’]?t|never|must\s+not|mustn['’]?t|should\s+not|shouldn['’]?t)";

    private static readonly Regex[] _phrases =
    [
        IgnorePreviousInstructions(), KeepItFromTheUser(), NoNeedToTellTheUser(), WithoutTellingTheUser(), TheUserMustNotKnow(),
        HideFromTheUser(), Covertly(), BeforeUsingThisTool(), YouMustAlways(), TheAssistantMust(), ClaimsEveryRequest(),
        NoteToTheModel(), NewRole(), RoleMarkers(), RoleLabels(), Urgency(), Threats(), OverTheUser(),
    ];

    public static string? Find(ReadableText text) =>
        _phrases.TryFindEarliest(text.Words, out var found) ? text.ExcerptOfWords(found) : null;

    [GeneratedRegex(
        @"\b(ignore|disregard|forget|override|bypass)\s+(((all|any|the|your|of|these|those)\s+){0,4}(previous|prior|above|preceding|earlier|former|original|initial|other|system|existing|safety)\s+(instructions?|prompts?|rules|directions|directives|guidelines|guidance|context|messages|constraints|polic(y|ies))|(all|any)\s+(other\s+)?(instructions|rules|guidelines))\b",
        Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex IgnorePreviousInstructions();

    [GeneratedRegex(
        _not + @"\s+(ever\s+)?((tell|mention|inform|reveal|disclose|notify|alert|let)\s+((this|that|it|anything|any\s+of\s+this)\s+)?(to\s+)?(the\s+)?(user|human|person|operator)s?|(mention|reveal|disclose)\s+(this|that|these|it|the\s+fact|anything))\b",
        Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex KeepItFromTheUser();

    [GeneratedRegex(@"\bno\s+need\s+to\s+(mention|tell|inform|notify|explain|reveal|disclose)\b[^.!?\n]{0,30}\b(user|human)", Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex NoNeedToTellTheUser();

    [GeneratedRegex(@"\bwithout\s+(telling|informing|notifying|alerting|asking|letting|mentioning\s+it\s+to)\s+(the\s+)?(user|human)", Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex WithoutTellingTheUser();

    [GeneratedRegex(
        @"\b(user|human)\s+(must|should|need|needs|shall|may|can)\s*(not|n['’]t|never)\s+(know|see|notice|find\s+out|learn|suspect|be\s+(told|informed|aware|notified|shown))\b",
        Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex TheUserMustNotKnow();

    [GeneratedRegex(@"\b(hide|conceal)\b[^.!?\n]{0,30}\bfrom\s+the\s+(user|human)", Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex HideFromTheUser();

    [GeneratedRegex(
        @"\b(silently|secretly|covertly|quietly|discreetly|surreptitiously)\s+(\w{1,30}\s+){0,2}(send|forward|post|upload|include|add|append|pass|read|copy|call|execute|run|change|modify|replace|bcc|cc|e-?mail)\b",
        Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex Covertly();

    /// <summary>Conditions set on the model before it may act.</summary>
    [GeneratedRegex(
        @"\bbefore\s+(using|calling|invoking|running|executing|you\s+(use|call|invoke|run))\s+(this|the|any|these)\s+(tool|function|command)s?\b[^.!?\n]{0,20}\b(must|need\s+to|have\s+to|first|always|read)\b" +
        // Only as an order: opening a clause, or after "run this", "must", "always", "first". "Waits the given time
        // before answering" describes the tool.
        @"|((?<=(^|[.!?:;>\n])\s{0,8})|\b((run|call|use|invoke|execute|do|read|send|check)\s+this|must|always|first)\b[^.!?\n]{0,40}?)" +
        @"before\s+(responding|answering|replying|doing\s+anything(\s+else)?)\b",
        Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex BeforeUsingThisTool();

    [GeneratedRegex(@"\byou\s+(must|should|shall|need\s+to|have\s+to|are\s+required\s+to)\s+(always|never|secretly|silently|ignore)\b", Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex YouMustAlways();

    [GeneratedRegex(@"\b(assistant|ai|ai\s+model|llm|language\s+model)\s+(must|shall|is\s+required\s+to|has\s+to|needs\s+to)\b", Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex TheAssistantMust();

    /// <summary>A tool that claims every request, so that the model calls it whatever the user asked.</summary>
    [GeneratedRegex(
        @"\b((always|must)\s+(use|call|invoke|run)\s+this\s+(tool|function)\s+(first|before\s+(any|every|all)|for\s+(all|every|any))|this\s+(tool|function)\s+must\s+(always\s+)?be\s+(called|used|invoked|run)\s+(first|before\s+(any|every|all))|(use|call)\s+this\s+(tool|function)\s+for\s+(all|every|any)\s+(requests?|questions?|tasks?|queries|messages))\b",
        Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex ClaimsEveryRequest();

    [GeneratedRegex(@"\bnote\s+(to|for)\s+(the\s+)?(ai|assistant|model|llm)\b", Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex NoteToTheModel();

    [GeneratedRegex(@"\b(you\s+are\s+now|from\s+now\s+on|(new|updated)\s+instructions?\s*:|developer\s+mode|jailbreak)", Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex NewRole();

    /// <summary>The role markers of chat templates ([INST], &lt;&lt;SYS&gt;&gt;).</summary>
    [GeneratedRegex(@"\[/?(inst|system)\]|<</?sys>>", Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex RoleMarkers();

    /// <summary>Speaker labels, in capitals only: "system: the system to deploy to" documents an argument.</summary>
    [GeneratedRegex(@"(^|\n)\s*(SYSTEM|ASSISTANT)\s*:|\bOVERRIDE\s*:", Patterns.CaseSensitiveOptions, Patterns.TimeoutMilliseconds)]
    private static partial Regex RoleLabels();

    [GeneratedRegex(
        @"\b(this\s+is\s+(very\s+|really\s+|extremely\s+|super\s+|absolutely\s+|critically\s+){1,4}(important|critical|crucial|essential|vital)|(very|really)[\s,]{1,3}(very|really)\s+important|extremely\s+important)\b",
        Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex Urgency();

    [GeneratedRegex(
        @"\b(otherwise\s+(the|this)\s+(tool|function|system|application|app|server|request|call)\s+(will|would|may|might|could|does)\s+(not\s+work|fail|crash|break|stop\s+working|be\s+blocked|error)|(application|system|app|server|computer)\s+will\s+crash|all\s+(your\s+|the\s+)?data\s+will\s+be\s+(lost|deleted|destroyed))\b",
        Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex Threats();

    /// <summary>Precedence over the user: what they say, what they asked, what they would stop.</summary>
    [GeneratedRegex(
        @"\b((regardless\s+of|even\s+if|no\s+matter)\s+(what\s+)?(the\s+)?(user|human)\s+(says|said|asks|asked|wants|requests|requested|instructs|instructed|tells|told|objects|specifies|specified)|(instead\s+of|rather\s+than)\s+(what(ever)?\s+)?the\s+user\s+(asked|requested|wants|specified|said)|(prevent|stop|keep)\s+the\s+(user|human)\s+from|"
        + _not + @"\s+(ask|wait|seek|request)\s+(the\s+user\s+)?(for\s+)?(confirmation|permission|approval|consent))\b",
        Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex OverTheUser();
}
