namespace Gatehouse.Catalog;

/// <summary>Something in a tool's definition that reads like an attack on the model rather than a description.</summary>
/// <param name="Kind">What was found: one of <see cref="PoisoningKinds"/>.</param>
/// <param name="Location">Where: <c>description</c>, <c>title</c>, or a path into the schema such as <c>inputSchema.properties.note.description</c>.</param>
/// <param name="Excerpt">The text that matched, short and with invisible characters shown as <c>U+XXXX</c>, for a person to judge.</param>
public sealed record PoisoningFinding(string Kind, string Location, string Excerpt)
{
    /// <inheritdoc />
    public override string ToString() => $"{Kind} in {Location}: \"{Excerpt}\"";
}

/// <summary>The kinds of <see cref="PoisoningFinding"/>.</summary>
public static class PoisoningKinds
{
    /// <summary>Text addressed to the model: "ignore previous instructions", "do not tell the user", "before using this tool, …".</summary>
    public const string Instructions = "instructions";

    /// <summary>Markup that hides text from a person reading a client's UI: &lt;IMPORTANT&gt;, &lt;system&gt;, HTML comments.</summary>
    public const string HiddenTag = "hidden-tag";

    /// <summary>Invisible, bidirectional-override, tag or terminal-escape characters.</summary>
    public const string InvisibleText = "invisible-text";

    /// <summary>Names another tool, to steer how the model uses it (shadowing).</summary>
    public const string OtherTool = "other-tool";

    /// <summary>Asks for secrets, files or conversation content, or names a place to send them.</summary>
    public const string Exfiltration = "exfiltration";
}
