using Gatehouse.Policy;

namespace Gatehouse.Catalog.Classification;

/// <summary>Where a piece of evidence was read. Annotations are cited differently: they are the server's own claim.</summary>
internal enum EvidenceSource
{
    Name,
    Description,
    Schema,
    Annotations,
    Default,
}

/// <summary>
/// One thing the classifier read in a tool's definition, what it means, and the class it argues for.
/// </summary>
/// <param name="Signal">What was read, as a person finds it in the definition: <c>verb 'send' in the name</c>.</param>
/// <param name="Meaning">What that says about a call, in a few words: <c>sends something out of the server…</c>.</param>
/// <param name="Category">The category it argues for; null when it only says how much harm a call could do.</param>
/// <param name="Risk">The least risk it implies.</param>
internal sealed record Evidence(EvidenceSource Source, string Signal, string Meaning, ToolCategory? Category, ToolRisk Risk)
{
    public string Cite() => Source == EvidenceSource.Annotations ? $"annotations: {Signal}" : Signal;
}
