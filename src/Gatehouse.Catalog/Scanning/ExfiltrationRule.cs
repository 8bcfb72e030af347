using System.Text.RegularExpressions;

namespace Gatehouse.Catalog;

/// <summary>
/// Asking the model for what it must not hand over: a secret file the model is told to read or pass on (or
/// that an argument is named after), secrets or the conversation when the same sentence says where they
/// should go (a parameter, this tool), or data sent to a literal address that the sentence insists on. A tool
/// that takes its own API key, connects with the usual SSH key or returns a chat's history names those
/// things too, without asking the model to move them anywhere, and stays clean.
/// </summary>
internal static partial class ExfiltrationRule
{
    private const string _conversation =
        @"\b((conversation|chat|message|dialog(ue)?)\s+(history|transcript|logs?)"
        + @"|(previous|prior|earlier|past|last|recent|preceding)\s+(\d{1,4}\s+)?(messages|exchanges|turns|conversations?|chats?)"
        + @"|(entire|full|whole|complete)\s+(conversation|chat|transcript|dialog(ue)?|context(\s+window)?)"
        + @"|your\s+((full|entire|complete|whole|current|original)\s+)?(system\s+(prompt|message|instructions)|instructions|initial\s+prompt|original\s+prompt|hidden\s+prompt|context\s+window|memory|rules|guidelines))\b";

    private const string _address = @"([\w.+-]{1,64}@[\w-]{1,63}(\.[\w-]{1,63}){1,8}|https?://|\+\d[\d\s().-]{6,20}\d)";

    private static readonly Regex[] _secretFiles = [DotFiles(), PrivateKeyFiles(), AgentConfigFiles(), SystemSecretFiles()];

    /// <summary>What is asked for, and what the rest of its sentence must say for that to be exfiltration.</summary>
    private static readonly (Regex[] Subject, Func<string, Range, bool> AlsoSays)[] _rules =
    [
        (_secretFiles, (words, sentence) => Handling().TryFind(words, sentence, out _) || Sink().TryFind(words, sentence, out _)),
        ([HandsOverConversation()], (_, _) => true),
        ([Conversation()], (words, sentence) => Sink().TryFind(words, sentence, out _)),
        ([Secret()], (words, sentence) => Sink().TryFind(words, sentence, out var sink)
            && (!CredentialField().TryFind(words, sink, out _) || Gathering().TryFind(words, sentence, out _))),
        ([SendsToAddress()], (words, sentence) => Insistence().TryFind(words, sentence, out _)),
    ];

    public static string? Find(ReadableText text, TextRole role)
    {
        var words = text.Words;
        if ((role == TextRole.ArgumentName && ArgumentForConversation().TryFind(words, out var found))
            || (role != TextRole.Value && _secretFiles.TryFindEarliest(words, out found)))
        {
            return text.ExcerptOfWords(found);
        }

        var sentences = new SentenceIndex(words);
        Range? earliest = null;
        foreach (var (subject, alsoSays) in _rules)
        {
            foreach (var phrase in subject)
            {
                if (sentences.FirstSaying(phrase, alsoSays) is { } match
                    && (earliest is null || match.Start.Value < earliest.Value.Start.Value))
                {
                    earliest = match;
                }
            }
        }

        return earliest is { } first ? text.ExcerptOfWords(first) : null;
    }

    /// <summary>Files that hold keys, tokens or an agent's own configuration.</summary>
    [GeneratedRegex(
        @"\.(ssh|gnupg|cursor[/\\]|aws[/\\](credentials|config)|(netrc|npmrc|pypirc|pgpass|git-credentials)|(docker|kube)[/\\]config|(bash|zsh)\s*history)\b"
        + @"|(^|[\s'""`(=:~/])\.env(\.[a-z]{1,12})?\b",
        Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex DotFiles();

    [GeneratedRegex(@"\bid\s*[-_]?\s*(rsa|dsa|ecdsa|ed25519)\b", Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex PrivateKeyFiles();

    [GeneratedRegex(@"\b(mcp\.json|claude\s*desktop\s*config)\b", Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex AgentConfigFiles();

    [GeneratedRegex(@"/etc/(passwd|shadow|sudoers)\b|\b(wallet\.dat|application\s*default\s*credentials\.json)\b", Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex SystemSecretFiles();

    /// <summary>The model told to handle the file itself, rather than the tool saying what it reads.</summary>
    [GeneratedRegex(
        @"\b(read|cat|open|load|pass|include|send|attach|append|copy|paste|upload|provide|forward|share|print|output|dump|leak|exfiltrate|steal|must|please|contents?)\b",
        Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex Handling();

    [GeneratedRegex(_conversation, Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex Conversation();

    [GeneratedRegex(
        @"\b(include|pass|send|forward|append|attach|embed|copy|paste|provide|share|upload|post|leak|dump|insert|put|output|repeat|reveal|print|disclose|add)\b[^.!?]{0,60}" + _conversation,
        Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex HandsOverConversation();

    /// <summary>HiddenLayer's parameter attack: an argument whose very name makes the model fill in its context.</summary>
    [GeneratedRegex(
        @"^\s*((conversation|chat|message|dialog(ue)?)\s+(history|transcript|logs?)|(previous|prior|past|recent)\s+messages|(full|entire)\s+(conversation|chat)|chain\s+of\s+thought|system\s+prompt)\s*$",
        Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex ArgumentForConversation();

    [GeneratedRegex(
        @"\b((api|access|auth|authentication|bearer|refresh|session|secret|private|ssh|signing|encryption|oauth)\s*-?\s*(keys?|tokens?)"
        + @"|credentials?|passwords?|passphrases?|passcodes?|(seed|recovery)\s+phrases?|mnemonics?|secrets|cookies|environment\s+variables?|env\s+vars?)\b",
        Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex Secret();

    /// <summary>Where a secret would go: a named parameter, the tool itself.</summary>
    [GeneratedRegex(
        @"\b(as|in|into|inside|within|to|via|through|under)\s+(the\s+|a\s+|its\s+)?[`'""]?[\w.-]{1,40}(\s+[\w.-]{1,40}){0,2}[`'""]?\s+(parameter|param|argument|arg|field|property|input)s?\b"
        + @"|\bas\s+[`'""][\w.\s-]{1,40}[`'""]"
        + @"|[`'""][\w.\s-]{1,40}[`'""]\s+(parameter|param|argument|field)\b"
        + @"|\b(call(ing)?\s+(this|the)\s+tool\s+with|with\s+(every|each)\s+(call|request)|to\s+this\s+tool)\b",
        Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex Sink();

    /// <summary>A parameter meant for the credential itself ("in the api_key parameter"): supplying it is what the tool asks.</summary>
    [GeneratedRegex(@"\b(keys?|tokens?|passwords?|secrets?|credentials?|auth\w{0,12}|passphrases?)\b", Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex CredentialField();

    /// <summary>Gathering rather than supplying one's own: everything, the user's, from the machine, its contents.</summary>
    [GeneratedRegex(
        @"\b(all|every|each|user['’]s|contents?|(exfiltrat|leak|steal|harvest|smuggl)\w{0,10}"
        + @"|from\s+(the\s+|your\s+|this\s+)?(environment|env|disk|files?|file\s*system|config(uration)?|keychain|vault|system|machine|computer|home\s+directory|workspace|browser))\b",
        Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex Gathering();

    [GeneratedRegex(
        @"\b(send|sends|sent|forward|post|upload|transmit|e-?mail|mail|copy|relay|leak|exfiltrate|mirror|deliver|redirect|route|report|recipient)\b[^.!?]{0,80}\bto\s*:?\s*[`'""<(]?" + _address
        + @"|\b(bcc|cc)\b\s*:?\s*[`'""<(]?" + _address,
        Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex SendsToAddress();

    /// <summary>What makes a destination an order rather than an example.</summary>
    [GeneratedRegex(
        @"\b(must|always|all|every|silently|secretly|also|additionally|as\s+well|too|make\s+sure|ensure|instead|regardless|proxy|relay|copy\s+of|mandatory|required|change|rewrite|replace|redirect)\b",
        Patterns.Options, Patterns.TimeoutMilliseconds)]
    private static partial Regex Insistence();

    /// <summary>
    /// The sentences of a text, to test what else a match's sentence says. Each sentence is tested once per
    /// phrase however many matches it holds, so a megabyte without a full stop costs one pass, not one per match.
    /// </summary>
    private sealed class SentenceIndex(string words)
    {
        private readonly Range[] _sentences = [.. Sentences.Of(words)];

        public Range? FirstSaying(Regex subject, Func<string, Range, bool> alsoSays)
        {
            var tested = -1;
            foreach (var match in subject.EnumerateMatches(words))
            {
                var index = IndexAt(match.Index);
                if (index < 0 || index == tested || match.Index + match.Length > _sentences[index].End.Value)
                {
                    continue;
                }

                tested = index;
                if (alsoSays(words, _sentences[index]))
                {
                    return new Range(match.Index, match.Index + match.Length);
                }
            }

            return null;
        }

        private int IndexAt(int position)
        {
            var (low, high) = (0, _sentences.Length - 1);
            while (low <= high)
            {
                var middle = (low + high) / 2;
                if (position < _sentences[middle].Start.Value)
                {
                    high = middle - 1;
                }
                else if (position >= _sentences[middle].End.Value)
                {
                    low = middle + 1;
                }
                else
                {
                    return middle;
                }
            }

            return -1;
        }
    }
}
