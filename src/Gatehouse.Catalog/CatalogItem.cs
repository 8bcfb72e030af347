namespace Gatehouse.Catalog;

/// <summary>One definition of a tool, resource or prompt as a server listed it, and when it was seen.</summary>
/// <param name="Server">The upstream server's name in the configuration.</param>
/// <param name="Kind">What it is.</param>
/// <param name="Name">The tool's or prompt's name, the resource's URI or the template's URI template.</param>
/// <param name="Hash">The SHA-256 of <paramref name="Definition"/> in canonical form.</param>
/// <param name="Definition">The definition as JSON text.</param>
/// <param name="FirstSeen">When this definition was first listed.</param>
/// <param name="LastSeen">When it was last listed.</param>
public sealed record CatalogItem(string Server, CatalogKind Kind, string Name, string Hash, string Definition, DateTimeOffset FirstSeen, DateTimeOffset LastSeen);

/// <summary>A definition a server lists now, as it is recorded.</summary>
public sealed record ListedItem(string Name, string Hash, string Definition);

/// <summary>The definition of a tool that the gateway lets through.</summary>
/// <param name="Server">The upstream server's name.</param>
/// <param name="Tool">The tool's name.</param>
/// <param name="Hash">The hash of the definition in force (<see cref="ToolDefinition.Hash"/>).</param>
/// <param name="PinnedAt">When it was pinned.</param>
/// <param name="PinnedBy">Who pinned it: <see cref="FirstSeen"/>, or the operator who accepted it.</param>
/// <param name="Reviewed">Whether a person accepted this definition, findings of the poisoning scan included.</param>
public sealed record ToolPin(string Server, string Tool, string Hash, DateTimeOffset PinnedAt, string PinnedBy, bool Reviewed)
{
    /// <summary>Who pins the first definition of a tool seen, which nobody reviewed.</summary>
    public const string FirstSeen = "first-seen";
}

/// <summary>What the store holds of one server: what it listed last, and the pins of its tools.</summary>
public sealed record ServerCatalog(IReadOnlyList<CatalogItem> Current, IReadOnlyDictionary<string, ToolPin> Pins);
