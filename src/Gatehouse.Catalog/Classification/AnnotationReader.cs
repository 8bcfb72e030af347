using Gatehouse.Policy;

namespace Gatehouse.Catalog.Classification;

/// <summary>
/// The MCP annotations, read as what they are: claims of a server that may be wrong or hostile. A claim that
/// argues for more caution counts like any other evidence; one that argues for less can only decide when
/// nothing else speaks. <c>destructiveHint: false</c> and <c>idempotentHint</c> never decide anything: they
/// could only lower a class, and whether repeating a call is harmless says nothing about the first call.
/// </summary>
internal static class AnnotationReader
{
    public const string ReadOnlyHint = "readOnlyHint";
    public const string DestructiveHint = "destructiveHint";
    public const string OpenWorldHint = "openWorldHint";

    public static IEnumerable<Evidence> Claims(ToolDefinition tool)
    {
        switch (tool.Hint(ReadOnlyHint))
        {
            case true:
                yield return new Evidence(EvidenceSource.Annotations, ReadOnlyHint, "declared read-only by the server", ToolCategory.Read, ToolRisk.Low);
                break;
            case false:
                yield return new Evidence(EvidenceSource.Annotations, $"{ReadOnlyHint}: false", "the server says it changes something", ToolCategory.Write, ToolRisk.Medium);
                break;
        }

        // The specification gives destructiveHint meaning only when readOnlyHint is false; a server that claims
        // both is contradicting itself, and the destructive half is the one to believe.
        if (tool.Hint(DestructiveHint) == true)
        {
            yield return new Evidence(EvidenceSource.Annotations, DestructiveHint, "the server says it may destroy data", ToolCategory.Destructive, ToolRisk.High);
        }
    }

    public static Evidence? OpenWorld(ToolDefinition tool) =>
        tool.Hint(OpenWorldHint) == true
            ? new Evidence(EvidenceSource.Annotations, OpenWorldHint, "it reaches systems beyond the server", null, ToolRisk.Medium)
            : null;
}
