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
    /// <summary>Writes the file into <paramref name="directory"/> and returns its path.</summary>
    public static string WriteAllowAll(TestDirectory directory, JsonObject servers)
    {
        var grants = new JsonArray();
        foreach (var (name, _) in servers)
        {
            var policy = directory.Write($"policy-{name}.json", RunningGateway.AllowAll);
            grants.Add(new JsonObject { ["id"] = name, ["server"] = name, ["identities"] = new JsonArray(RunningGateway.Identity), ["policy"] = policy });
        }

        return directory.Write("gatehouse.json", new JsonObject
        {
            ["mcpServers"] = servers,
            ["grants"] = grants,
            ["auth"] = new JsonObject { ["anonymous"] = RunningGateway.Identity },
        }.Json());
    }
}
