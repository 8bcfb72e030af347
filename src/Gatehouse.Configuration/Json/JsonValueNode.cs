namespace Gatehouse.Configuration.Json;

/// <summary>
/// A parsed JSON value that remembers where it was written, which <see cref="System.Text.Json.JsonDocument"/>
/// forgets and every configuration error needs.
/// </summary>
internal abstract record JsonValueNode(TextPosition Position)
{
    /// <summary>The kind of value, phrased for "expected X, found Y" messages.</summary>
    public abstract string Description { get; }
}

internal sealed record JsonObjectNode(TextPosition Position, IReadOnlyList<JsonPropertyNode> Properties)
    : JsonValueNode(Position)
{
    public override string Description => "an object";

    /// <summary>Keys are unique: the parser reports and drops repeated ones.</summary>
    public JsonPropertyNode? Find(string name) => Properties.FirstOrDefault(p => p.Name == name);
}

internal sealed record JsonPropertyNode(string Name, TextPosition NamePosition, JsonValueNode Value);

internal sealed record JsonArrayNode(TextPosition Position, IReadOnlyList<JsonValueNode> Items) : JsonValueNode(Position)
{
    public override string Description => "an array";
}

internal sealed record JsonStringNode(TextPosition Position, string Value) : JsonValueNode(Position)
{
    public override string Description => "a string";
}

/// <summary>Keeps the literal text so that each field decides which numbers it accepts.</summary>
internal sealed record JsonNumberNode(TextPosition Position, string Text) : JsonValueNode(Position)
{
    public override string Description => "a number";
}

internal sealed record JsonBooleanNode(TextPosition Position, bool Value) : JsonValueNode(Position)
{
    public override string Description => "a boolean";
}

internal sealed record JsonNullNode(TextPosition Position) : JsonValueNode(Position)
{
    public override string Description => "null";
}
