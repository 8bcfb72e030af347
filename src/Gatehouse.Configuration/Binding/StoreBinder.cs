using Gatehouse.Configuration.Json;

namespace Gatehouse.Configuration.Binding;

internal static class StoreBinder
{
    private static readonly string[] Fields = ["postgres", "sqliteSync", "timeout"];

    public static StoreConfig Bind(JsonObjectNode store, string path, EnvironmentExpander environment, ConfigErrorList errors)
    {
        var fields = ObjectFields.Open(store, path, Fields, errors);
        var sync = fields?.String("sqliteSync");
        if (sync is not null && sync.Value is not ("full" or "normal"))
        {
            fields!.Report("sqliteSync", $"must be \"full\" or \"normal\", not '{sync.Value}'");
        }

        return new StoreConfig
        {
            // A connection string carries a password: ${env:NAME} keeps it out of the file.
            Postgres = fields?.String("postgres") is { } postgres ? environment.Expand(postgres, fields.PathOf("postgres")) : null,
            SqliteSyncEveryCommit = sync?.Value != "normal",
            Timeout = fields?.Timeout("timeout") ?? StoreConfig.DefaultTimeout,
        };
    }
}
