using System.Text.Json.Nodes;

namespace Gatehouse.Testing;

/// <summary>
/// A <c>gatehouse.json</c> for a gateway that runs as a process of its own (<c>gatehouse serve</c>,
/// <c>gatehouse stdio</c>), set up as <see cref="RunningGateway"/> sets up its in-process one: every server
/// granted to <see cref="RunningGateway.Identity"/> under <see cref="RunningGateway.AllowAll"/>, and that identity
/// anonymous, since such a client sends no credentials.
/// </summary>
public static class GatewayConfigFile
{
    /// <summary>
    /// Writes the file into <paramref name="directory"/> and returns its path: each server granted to
    /// <see cref="RunningGateway.Identity"/> under its policy in <paramref name="policies"/> (by server name) or
    /// <see cref="RunningGateway.AllowAll"/>.
    /// </summary>
    /// <param name="auth">The <c>auth</c> block; by default <see cref="RunningGateway.Identity"/> is anonymous.</param>
    /// <param name="sections">More top-level sections (<c>audit</c>, <c>telemetry</c>, ...), copied in as they are.</param>
    /// <param name="grantFields">More fields of every grant written here (<c>approvalWebhook</c>, ...).</param>
    public static string Write(TestDirectory directory, JsonObject servers, IReadOnlyDictionary<string, string>? policies = null, string? listen = null,
        JsonObject? auth = null, JsonObject? store = null, JsonArray? extraGrants = null, JsonObject? counters = null, JsonObject? sections = null,
        JsonObject? grantFields = null)
    {
        var grants = new JsonArray();
        foreach (var (name, _) in servers)
        {
            var policy = directory.Write($"policy-{name}.json", policies?.GetValueOrDefault(name) ?? RunningGateway.AllowAll);
            var grant = new JsonObject { ["id"] = name, ["server"] = name, ["identities"] = new JsonArray(RunningGateway.Identity), ["policy"] = policy };
            foreach (var (field, value) in grantFields ?? [])
            {
                grant[field] = value?.DeepClone();
            }

            grants.Add(grant);
        }

        foreach (var grant in extraGrants ?? [])
        {
            grants.Add(grant?.DeepClone());
        }

        var config = new JsonObject
        {
            ["mcpServers"] = servers,
            ["grants"] = grants,
            ["auth"] = auth ?? new JsonObject { ["anonymous"] = RunningGateway.Identity },
        };
        if (store is not null)
        {
            config["store"] = store;
        }

        if (counters is not null)
        {
            config["counters"] = counters;
        }

        if (listen is not null)
        {
            config["listen"] = listen;
        }

        foreach (var (name, section) in sections ?? [])
        {
            config[name] = section?.DeepClone();
        }

        return directory.Write("gatehouse.json", config.Json());
    }
}
