using Gatehouse.Configuration.Json;

namespace Gatehouse.Configuration.Binding;

internal static class CountersBinder
{
    private static readonly string[] Fields = ["redis", "failOpen", "timeout"];

    public static CountersConfig Bind(JsonObjectNode counters, string path, EnvironmentExpander environment, ConfigErrorList errors)
    {
        var fields = ObjectFields.Open(counters, path, Fields, errors);
        return new CountersConfig
        {
            // A Redis configuration string may carry a password: ${env:NAME} or ${file:PATH} keep it out of the file.
            Redis = fields?.String("redis") is { } redis ? environment.Expand(redis, fields.PathOf("redis")) : null,
            FailOpen = fields?.Boolean("failOpen") ?? false,
            Timeout = fields?.Timeout("timeout") ?? CountersConfig.DefaultTimeout,
        };
    }
}
