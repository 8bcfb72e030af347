using System.Collections.Frozen;
using System.Text.Json.Nodes;

namespace Gatehouse.Catalog.Classification;

/// <summary>
/// Finds the arguments that change what a call can do. Properties are visited in ordinal order of their names,
/// so two servers that write the same schema with keys in another order get the same class and rationale;
/// nesting and the number of properties visited are bounded, so a hostile schema costs little.
/// </summary>
internal static class SchemaReader
{
    private const int _maxDepth = 6;
    private const int _maxProperties = 512;

    /// <summary>How much of a property's description is read for a word about code: it is a phrase, not an essay.</summary>
    private const int _descriptionRead = 1000;

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

    /// <param name="schema">The tool's input schema; anything but an object with <c>properties</c> has no arguments to read.</param>
    /// <param name="toolRunsCode">Whether the tool's name or description speaks of running code or queries.</param>
    public static IReadOnlyList<SchemaArgument> Read(JsonObject? schema, bool toolRunsCode)
    {
        var found = new List<SchemaArgument>();
        if (schema is not null)
        {
            new Walk(found, toolRunsCode).Visit(schema, "", 0);
        }

        return found;
    }

    /// <summary>Whether a text speaks of running code: its words, split as a name's are.</summary>
    public static bool SpeaksOfCode(IEnumerable<string> words) => words.Any(_runsCode.Contains);

    private sealed class Walk(List<SchemaArgument> found, bool toolRunsCode)
    {
        private int _budget = _maxProperties;

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
                        return;
                    }

                    if (value is not JsonObject property)
                    {
                        continue;
                    }

                    var path = prefix + name;
                    Classify(path, Words.OfName(name), property);
                    if (depth < _maxDepth)
                    {
                        Visit(property, path + ".", depth + 1);
                        if (property["items"] is JsonObject items)
                        {
                            Visit(items, path + ".", depth + 1);
                        }
                    }
                }
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

        private void Classify(string path, IReadOnlyList<string> words, JsonObject property)
        {
            var freeText = MayBe(property, "string") && property["enum"] is null && property["const"] is null;
            var list = Is(property, "array");
            var freeTextItems = list && property["items"] is JsonObject items && MayBe(items, "string") && items["enum"] is null;

            if ((freeText || freeTextItems) && NamesCode(words, property))
            {
                found.Add(new SchemaArgument(path, ArgumentKind.FreeFormCode));
            }

            if (list && words.Any(_recipientWords.Contains))
            {
                found.Add(new SchemaArgument(path, ArgumentKind.Recipients));
            }

            if (list && (words.Contains("ids") || words is ["id"]))
            {
                found.Add(new SchemaArgument(path, ArgumentKind.IdList));
            }

            if (Is(property, "boolean") && words.Any(_everythingWords.Contains))
            {
                found.Add(new SchemaArgument(path, ArgumentKind.EverythingFlag));
            }

            if ((MayBe(property, "number") || MayBe(property, "integer") || MayBe(property, "string")) && words.Any(_moneyWords.Contains))
            {
                found.Add(new SchemaArgument(path, ArgumentKind.Money));
            }

            var format = property["format"] is JsonValue formatValue && formatValue.TryGetValue(out string? text) ? text : null;
            if (freeText && ((format is not null && _addressFormats.Contains(format)) || words.Any(_addressWords.Contains)))
            {
                found.Add(new SchemaArgument(path, ArgumentKind.Address));
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

            var description = property["description"] is JsonValue value && value.TryGetValue(out string? text) ? text : "";
            return toolRunsCode || SpeaksOfCode(Words.OfName(description[..Math.Min(description.Length, _descriptionRead)]));
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
