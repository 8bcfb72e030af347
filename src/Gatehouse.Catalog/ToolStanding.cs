namespace Gatehouse.Catalog;

/// <summary>Whether a tool's definition may be used, as its pin decides.</summary>
public enum ToolPinState
{
    /// <summary>The definition is the pinned one (or is pinned now, on first sight): the tool is usable.</summary>
    Pinned,

    /// <summary>The definition differs from the pinned one: withheld until an operator accepts it.</summary>
    Changed,

    /// <summary>The poisoning scan flagged a definition no person accepted: withheld until an operator accepts it.</summary>
    Flagged,

    /// <summary>The catalog's store could not be reached to check or pin the definition: withheld until it can.</summary>
    Unavailable,

    /// <summary>The catalog's store could not be reached and the operator chose <c>catalog.failOpen</c>: usable, unchecked.</summary>
    Unchecked,
}

/// <summary>Everything the catalog says of one tool a server lists.</summary>
/// <param name="Server">The upstream server's name.</param>
/// <param name="Definition">The definition listed.</param>
/// <param name="Classification">Its class and why.</param>
/// <param name="Findings">What the poisoning scan found in it; empty when nothing.</param>
/// <param name="Pin">The definition in force, when the tool has one.</param>
/// <param name="State">Whether the tool may be used.</param>
public sealed record ToolStanding(string Server, ToolDefinition Definition, ToolClassification Classification, IReadOnlyList<PoisoningFinding> Findings,
    ToolPin? Pin, ToolPinState State)
{
    /// <summary>The tool's name as it is safe to print: a character that could hide text or drive a terminal is spelled U+XXXX.</summary>
    public string DisplayName => Excerpt.Whole(Definition.Name);

    /// <summary>Whether the tool is kept from lists and calls.</summary>
    public bool Withheld => State is not (ToolPinState.Pinned or ToolPinState.Unchecked);

    /// <summary>Why the tool is withheld, for the agent and the operator; null when it is not.</summary>
    public string? WithheldBecause => State switch
    {
        ToolPinState.Changed => $"the definition of tool '{DisplayName}' changed since it was pinned" +
            (Findings.Count > 0 ? $", and the poisoning scan flagged it ({Findings[0]})" : "") + AcceptHint,
        ToolPinState.Flagged => $"the poisoning scan flagged the definition of tool '{DisplayName}' ({Findings[0]})" + AcceptHint,
        ToolPinState.Unavailable => "the tool catalog cannot be reached, so the tool cannot be checked against its pinned definition",
        _ => null,
    };

    private string AcceptHint =>
        $"; it is withheld until an operator reviews and accepts it (gatehouse catalog accept {Server} {DisplayName})";
}
