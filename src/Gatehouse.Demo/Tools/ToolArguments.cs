using System.Globalization;
using System.Net.Mail;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gatehouse.Demo.Tools;

/// <summary>
/// A tool call's arguments, read with the types the tool's input schema declares. Every mismatch
/// becomes a <see cref="DemoInputException"/> naming the argument, so the agent can correct its call.
/// A JSON null counts as an absent argument: agents often send one for an optional field.
/// </summary>
internal sealed class ToolArguments(IDictionary<string, JsonElement>? values)
{
    public long RequiredId(string name) => OptionalId(name) ?? throw Missing(name);

    public long? OptionalId(string name)
    {
        var id = OptionalInteger(name);
        return id is null or > 0 ? id : throw new DemoInputException($"'{name}' must be a positive id, not {id}.");
    }

    public int OptionalInteger(string name, int fallback, int min, int max)
    {
        var value = OptionalInteger(name) ?? fallback;
        return value >= min && value <= max
            ? (int)value
            : throw new DemoInputException($"'{name}' must be between {min} and {max}, not {value}.");
    }

    public string RequiredString(string name) => OptionalString(name) ?? throw Missing(name);

    public string? OptionalString(string name)
    {
        if (Get(name, JsonValueKind.String) is not { } element)
        {
            return null;
        }

        var text = element.GetString()!.Trim();
        return text.Length > 0 ? text : throw new DemoInputException($"'{name}' must not be empty.");
    }

    /// <summary>An optional string that must be one of <paramref name="allowed"/>; compared without regard to case.</summary>
    public string? OptionalChoice(string name, IReadOnlyCollection<string> allowed)
    {
        var text = OptionalString(name)?.ToLowerInvariant();
        return text is null || allowed.Contains(text)
            ? text
            : throw new DemoInputException($"'{name}' must be one of {string.Join(", ", allowed)}, not '{text}'.");
    }

    public string RequiredChoice(string name, IReadOnlyCollection<string> allowed) => OptionalChoice(name, allowed) ?? throw Missing(name);

    public string RequiredEmail(string name) => OptionalEmail(name) ?? throw Missing(name);

    public string? OptionalEmail(string name)
    {
        var text = OptionalString(name);
        return text is null || (MailAddress.TryCreate(text, out var address) && address.Address == text)
            ? text
            : throw new DemoInputException($"'{name}' must be an email address like name@example.com, not '{text}'.");
    }

    public DateTimeOffset RequiredInstant(string name)
    {
        var text = RequiredString(name);
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant)
            ? instant
            : throw new DemoInputException($"'{name}' must be an ISO 8601 date and time such as 2024-12-25T10:00:00Z, not '{text}'.");
    }

    public IReadOnlyList<long> RequiredIds(string name) => OptionalIds(name) ?? throw Missing(name);

    /// <summary>A list of ids that, when given, names at least one thing: an empty target list is a mistake, not a choice.</summary>
    public IReadOnlyList<long>? OptionalIds(string name)
    {
        if (Get(name, JsonValueKind.Array) is not { } array)
        {
            return null;
        }

        var ids = array.EnumerateArray()
            .Select(item => item.ValueKind == JsonValueKind.Number && item.TryGetInt64(out var id) && id > 0
                ? id
                : throw new DemoInputException($"'{name}' must hold positive integer ids; {item.GetRawText()} is not one."))
            .Distinct()
            .ToList();
        return ids.Count > 0 ? ids : throw new DemoInputException($"'{name}' must name at least one id.");
    }

    public IReadOnlyList<string>? OptionalStrings(string name) =>
        Get(name, JsonValueKind.Array)?.EnumerateArray()
            .Select(item => item.ValueKind == JsonValueKind.String
                ? item.GetString()!
                : throw new DemoInputException($"'{name}' must hold strings; {item.GetRawText()} is not one."))
            .ToList();

    public JsonObject? OptionalObject(string name) =>
        Get(name, JsonValueKind.Object) is { } element ? JsonNode.Parse(element.GetRawText())!.AsObject() : null;

    public bool? OptionalBoolean(string name) => Get(name, JsonValueKind.True)?.GetBoolean();

    /// <summary>Refuses a call that names nothing to change, which is almost always a mistaken call.</summary>
    public static void RequireAny(params object?[] changes)
    {
        if (changes.All(change => change is null))
        {
            throw new DemoInputException("Nothing to update: give at least one field to change.");
        }
    }

    private long? OptionalInteger(string name)
    {
        if (Get(name, JsonValueKind.Number) is not { } element)
        {
            return null;
        }

        return element.TryGetInt64(out var value)
            ? value
            : throw new DemoInputException($"'{name}' must be an integer, not {element.GetRawText()}.");
    }

    /// <summary>The argument if present and not null, after checking its JSON kind (True stands for either boolean).</summary>
    private JsonElement? Get(string name, JsonValueKind kind)
    {
        if (values is null || !values.TryGetValue(name, out var element) || element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return null;
        }

        var actual = element.ValueKind == JsonValueKind.False ? JsonValueKind.True : element.ValueKind;
        return actual == kind
            ? element
            : throw new DemoInputException($"'{name}' must be {Describe(kind)}, not {Describe(element.ValueKind)}.");
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Number => "an integer",
        JsonValueKind.String => "a string",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private static DemoInputException Missing(string name) => new($"'{name}' is required.");
}
