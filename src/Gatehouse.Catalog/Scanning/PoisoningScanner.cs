using System.Text.RegularExpressions;

namespace Gatehouse.Catalog;

/// <summary>
/// Reads a tool's definition for prompt injection aimed at the model that will read it: instructions to the
/// model, hidden tags, invisible or bidirectional text, steering of other tools, requests for secrets. A tool
/// with findings is withheld from agents until an operator accepts it, so the rules favour phrases that
/// ordinary descriptions do not use; what they cannot see is listed in the catalog's documentation.
/// </summary>
public static class PoisoningScanner
{
    /// <summary>
    /// A tool is withheld on its first finding; past this many, more of them tell an operator nothing new and
    /// would only swell the catalog.
    /// </summary>
    internal const int MaxFindings = 50;

    /// <summary>The excerpt of a rule that could not finish on a text: unread is not clean, so the tool is withheld.</summary>
    internal const string Unread = "(not read: scanning this text took too long)";

    /// <summary>
    /// The findings in a tool's definition, at most one of each kind per location, in the order of the
    /// definition (name, title, description, schemas with keys in ordinal order, annotations); empty when clean.
    /// </summary>
    /// <param name="tool">The definition as the server lists it.</param>
    /// <param name="otherTools">The names of the other tools the same server lists (for shadowing detection).</param>
    public static IReadOnlyList<PoisoningFinding> Scan(ToolDefinition tool, IReadOnlyCollection<string> otherTools)
    {
        ArgumentNullException.ThrowIfNull(tool);
        ArgumentNullException.ThrowIfNull(otherTools);

        var otherTool = new OtherToolRule(otherTools, tool.Name);
        var findings = new List<PoisoningFinding>();
        var seen = new HashSet<(string Kind, string Location)>();
        foreach (var text in ToolTexts.Of(tool))
        {
            string? location = null;
            foreach (var (kind, excerpt) in Read(text, otherTool))
            {
                location ??= text.Location.ToString();
                if (seen.Add((kind, location)))
                {
                    findings.Add(new PoisoningFinding(kind, location, excerpt));
                    if (findings.Count == MaxFindings)
                    {
                        return findings;
                    }
                }
            }
        }

        return findings;
    }

    private static IEnumerable<(string Kind, string Excerpt)> Read(ToolText text, OtherToolRule otherTool)
    {
        var invisible = InvisibleCharacters.FindFirst(text.Text);
        if (invisible >= 0)
        {
            yield return (PoisoningKinds.InvisibleText, Excerpt.Around(text.Text, invisible, invisible + 1));
        }

        var readable = ReadableText.Of(text.Text);
        if (Within(() => HiddenTagRule.Find(readable)) is { } tag)
        {
            yield return (PoisoningKinds.HiddenTag, tag);
        }

        if (Within(() => InstructionRule.Find(readable)) is { } instruction)
        {
            yield return (PoisoningKinds.Instructions, instruction);
        }

        if (Within(() => ExfiltrationRule.Find(readable, text.Role)) is { } exfiltration)
        {
            yield return (PoisoningKinds.Exfiltration, exfiltration);
        }

        if (Within(() => otherTool.Find(readable)) is { } steering)
        {
            yield return (PoisoningKinds.OtherTool, steering);
        }
    }

    private static string? Within(Func<string?> rule)
    {
        try
        {
            return rule();
        }
        catch (RegexMatchTimeoutException)
        {
            return Unread;
        }
    }
}
