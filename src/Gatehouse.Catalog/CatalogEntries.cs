using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Gatehouse.Catalog;

/// <summary>How an item of each kind is named and hashed in the catalog.</summary>
internal static class CatalogEntries
{
    /// <summary>The item as it is recorded; null when it lacks the field that names it, or holds text no JSON reader will read.</summary>
    public static ListedItem? Listed(CatalogKind kind, JsonObject item)
    {
        try
        {
            return Read(kind, item);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }

    private static ListedItem? Read(CatalogKind kind, JsonObject item)
    {
        if (kind == CatalogKind.Tool)
        {
            return ToolDefinition.FromJson(item) is { } tool ? new ListedItem(tool.Name, tool.Hash, CanonicalJson.Write(tool.Pinned)) : null;
        }

        var key = kind switch
        {
            CatalogKind.Resource => "uri",
            CatalogKind.ResourceTemplate => "uriTemplate",
            _ => "name",
        };
        if (item[key] is not JsonValue value || !value.TryGetValue(out string? name))
        {
            return null;
        }

        // _meta is the server's bookkeeping, not what a model reads.
        var definition = (JsonObject)item.DeepClone();
        definition.Remove("_meta");
        return new ListedItem(name, Hash(definition), CanonicalJson.Write(definition));
    }

    public static string Hash(JsonObject definition) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalJson.Write(definition))));

    /// <summary>Whether two listings hold the same definitions, in any order.</summary>
    public static bool Same(IReadOnlyList<ListedItem> one, IReadOnlyList<ListedItem> other) =>
        one.Count == other.Count && one.Select(Key).ToHashSet().SetEquals(other.Select(Key));

    private static (string, string) Key(ListedItem item) => (item.Name, item.Hash);
}
