using Gatehouse.Configuration.Json;

namespace Gatehouse.Configuration.Binding;

internal static class CatalogBinder
{
    private static readonly string[] Fields = ["failOpen"];

    public static CatalogConfig Bind(JsonObjectNode catalog, string path, ConfigErrorList errors)
    {
        var fields = ObjectFields.Open(catalog, path, Fields, errors);
        return new CatalogConfig { FailOpen = fields?.Boolean("failOpen") ?? false };
    }
}
