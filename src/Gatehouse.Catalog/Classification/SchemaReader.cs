using System.Collections.Frozen;
using System.Text.Json.Nodes;

namespace Gatehouse.Catalog.Classification;

/// <summary>
/// Finds the arguments that change what a call can do. Properties are visited in ordinal order of their names,
/// so two servers that write the same schema with keys in another order get the same class and rationale.
/// Nesting and the number of properties visited are bounded, so a hostile schema costs little; a schema that
/// goes past the bounds is reported as not read in full rather than silently taken for harmless.
/// </summary>
internal static class SchemaReader
{
    /// <summary>Deeper than System.Text.Json parses by default (64 levels of JSON is 32 of schema), so only a hostile schema is cut.</summary>
    private const int MaxDepth = 32;

    private const int MaxProperties = 4096;

    /// <summary>How much of a description is searched for a word about code: the words that matter come first.</summary>
    private const int DescriptionRead = 1000;

    private static readonly string[] _combinators = ["allOf", "anyOf", "oneOf"];

    /// <summary>Property words that name code or a command whatever the tool says.</summary>
    private static readonly FrozenSet<string> _codeWords = FrozenSet.Create(StringComparer.Ordinal,
        "command", "commands", "cmd", "cmdline", "commandline", "shell", "bash", "powershell", "script", "scripts",
        "sql", "program", "exec", "eval", "python", "javascript", "js");

    /// <summary>Property words that name code only when something says so: a coupon code or a search query is not.</summary>
    private static readonly FrozenSet<string> _maybeCodeWords = FrozenSet.Create(StringComparer.Ordinal,
        "code", "query", "statement", "statements", "expression", "source", "snippet");

    /// <summary>Words in a tool's or a property's text that make a "query" or "code" argument something the server runs.</summary>
    private static readonly FrozenSet<string> _runsCode = FrozenSet.Create(StringComparer.Ordinal,
        "sql", "sqlite", "postgres", "mysql", "shell", "bash", "script", "python", "javascript", "execute", "executes",
        "run", "runs", "eval", "evaluate", "evaluates", "interpret", "interprets", "select", "statement");

    private static readonly FrozenSet<string> _recipientWords = FrozenSet.Create(StringComparer.Ordinal,
        "recipients", "recipient", "to", "cc", "bcc", "emails", "email", "addresses", "address", "phones", "phone",
        "numbers", "contacts", "subscribers", "users", "members", "audience", "audiences", "segments", "lists",
        "channels", "groups");

    private static readonly FrozenSet<string> _everythingWords = FrozenSet.Create(StringComparer.Ordinal,
        "all", "everything", "recursive");

    private static readonly FrozenSet<string> _moneyWords = FrozenSet.Create(StringComparer.Ordinal,
        "amount", "amounts", "price", "cost", "fee", "fees", "payment", "currency", "balance");

    private static readonly FrozenSet<string> _addressWords = FrozenSet.Create(StringComparer.Ordinal,
        "url", "urls", "uri", "uris", "endpoint", "webhook", "href");

    private static readonly FrozenSet<string> _addressFormats = FrozenSet.Create(StringComparer.Ordinal,
        "uri", "url", "iri", "uri-reference", "iri-reference");

    /// <summary>The arguments of the tool's input schema; anything but an object with <c>properties</c> has none to read.</summary>
    /// <param name="nameWords">The tool's name as words: a tool named for running SQL makes its "query" argument SQL.</param>
    public static SchemaReading Read(ToolDefinition tool, IReadOnlyList<string> nameWords)
    {
        if (tool.InputSchema is not { } schema)
        {
            return new SchemaReading([], Complete: true);
        }

        var walk = new Walk(nameWords.Any(_runsCode.Contains) || SpeaksOfCode(tool.Description));
        walk.Visit(schema, "", 0);
        return new SchemaReading(walk.Found, !walk.Cut);
    }

    private static bool SpeaksOfCode(string? text) =>
        text is not null && Words.OfName(text[..Math.Min(text.Length, DescriptionRead)]).Any(_runsCode.Contains);

    private sealed class Walk(bool toolRunsCode)
    {
        private int _budget = MaxProperties;

        public List<SchemaArgument> Found { get; } = [];

        public bool Cut { get; private set; }

        public void Visit(JsonObject schema, string prefix, int depth)
        {
            foreach (var member in Members(schema))
            {
                if (member["properties"] is not JsonObject properties)
                {
                    continue;
                }

                foreach (var (name, value) in properties.OrderBy(pair => pair.Key, StringComparer.Ordinal))
                {
                    if (_budget-- <= 0)
                    {
                        Cut = true;
                        return;
                    }

                    if (value is not JsonObject property)
                    {
                        continue;
                    }

                    var path = prefix + name;
                    Classify(path, name, property);
                    Nested(property, path, depth);
                    if (property["items"] is JsonObject items)
                    {
                        Nested(items, path, depth);
                    }
                }
            }
        }

        private void Nested(JsonObject schema, string path, int depth)
        {
            if (depth < MaxDepth)
            {
                Visit(schema, path + ".", depth + 1);
            }
            else if (Members(schema).Any(member => member["properties"] is JsonObject { Count: > 0 }))
            {
                Cut = true;
            }
        }

        /// <summary>The schema and the alternatives it combines: an argument in any of them is one the agent may send.</summary>
        private static IEnumerable<JsonObject> Members(JsonObject schema)
        {
            yield return schema;
            foreach (var keyword in _combinators)
            {
                if (schema[keyword] is JsonArray alternatives)
                {
                    foreach (var alternative in alternatives.OfType<JsonObject>())
                    {
                        yield return alternative;
                    }
                }
            }
        }

        private void Classify(string path, string name, JsonObject property)
        {
            var words = Words.OfName(name);
            var freeText = MayBe(property, "string") && property["enum"] is null && property["const"] is null;
            var list = Is(property, "array");
            var freeTextItems = list && property["items"] is JsonObject items && MayBe(items, "string") && items["enum"] is null;

            if ((freeText || freeTextItems) && NamesCode(words, property))
            {
                Found.Add(new SchemaArgument(path, name, ArgumentKind.FreeFormCode));
            }

            if (list && words.Any(_recipientWords.Contains))
            {
                Found.Add(new SchemaArgument(path, name, ArgumentKind.Recipients));
            }

            if (list && (words.Contains("ids") || words is ["id"]))
            {
                Found.Add(new SchemaArgument(path, name, ArgumentKind.IdList));
            }

            if (Is(property, "boolean") && words.Any(_everythingWords.Contains))
            {
                Found.Add(new SchemaArgument(path, name, ArgumentKind.EverythingFlag));
            }

            if ((MayBe(property, "number") || MayBe(property, "integer") || MayBe(property, "string")) && words.Any(_moneyWords.Contains))
            {
                Found.Add(new SchemaArgument(path, name, ArgumentKind.Money));
            }

            var format = property["format"] is JsonValue formatValue && formatValue.TryGetValue(out string? text) ? text : null;
            if (freeText && ((format is not null && _addressFormats.Contains(format)) || words.Any(_addressWords.Contains)))
            {
                Found.Add(new SchemaArgument(path, name, ArgumentKind.Address));
            }
        }

        private bool NamesCode(IReadOnlyList<string> words, JsonObject property)
        {
            if (words.Any(_codeWords.Contains))
            {
                return true;
            }

            if (!words.Any(_maybeCodeWords.Contains))
            {
                return false;
            }

            return toolRunsCode || SpeaksOfCode(property["description"] is JsonValue value && value.TryGetValue(out string? text) ? text : null);
        }
    }

    /// <summary>Whether the property is declared with this type (alone or among others).</summary>
    private static bool Is(JsonObject property, string type) => property["type"] switch
    {
        JsonValue value => value.TryGetValue(out string? single) && single == type,
        JsonArray types => types.Any(t => t is JsonValue v && v.TryGetValue(out string? one) && one == type),
        _ => false,
    };

    /// <summary>Whether a value of this type is allowed: a property that declares no type allows any.</summary>
    private static bool MayBe(JsonObject property, string type) => property["type"] is null || Is(property, type);
}
