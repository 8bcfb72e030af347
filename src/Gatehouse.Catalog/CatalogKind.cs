namespace Gatehouse.Catalog;

/// <summary>What an item of the catalog is; each kind comes from its own list method.</summary>
public enum CatalogKind
{
    Tool,
    Resource,
    ResourceTemplate,
    Prompt,
}

/// <summary>The names of <see cref="CatalogKind"/> as they are stored and shown.</summary>
public static class CatalogKinds
{
    public static string Name(CatalogKind kind) => kind switch
    {
        CatalogKind.Tool => "tool",
        CatalogKind.Resource => "resource",
        CatalogKind.ResourceTemplate => "resource_template",
        CatalogKind.Prompt => "prompt",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static CatalogKind Parse(string name)
    {
        foreach (var kind in Enum.GetValues<CatalogKind>())
        {
            if (Name(kind) == name)
            {
                return kind;
            }
        }

        throw new FormatException($"'{name}' is not a kind of catalog item.");
    }
}
