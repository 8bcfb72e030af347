using Gatehouse.Policy;

namespace Gatehouse.Catalog.Classification;

/// <summary>How an argument is cited in a rationale, and what it says about a call.</summary>
internal static class ArgumentEvidence
{
    public static Evidence For(SchemaArgument argument, ToolCategory? category, ToolRisk risk)
    {
        var name = Quote.Fits(argument.Path) || argument.Path == argument.Name ? Quote.Of(argument.Path) : "…." + Quote.Of(argument.Name);
        var (signal, meaning) = argument.Kind switch
        {
            ArgumentKind.FreeFormCode => ($"free-form '{name}' string argument", "it runs whatever code, query or command the agent writes"),
            ArgumentKind.Recipients => ($"recipient list argument '{name}'", "one call reaches everyone the agent lists"),
            ArgumentKind.IdList => ($"id list argument '{name}'", "one call acts on as many records as the agent lists"),
            ArgumentKind.EverythingFlag => ($"flag argument '{name}'", "one call can act on every record"),
            ArgumentKind.Money => ($"money argument '{name}'", "it moves or commits money"),
            ArgumentKind.Address => ($"URL argument '{name}'", "the server reaches an address the agent chooses"),
            _ => throw new ArgumentOutOfRangeException(nameof(argument), argument.Kind, null),
        };
        return new Evidence(EvidenceSource.Schema, signal, meaning, category, risk);
    }
}
