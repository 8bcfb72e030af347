using System.Text.Json.Nodes;
using Gatehouse.Store.ApiKeys;
using Gatehouse.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Tests.Relay;

/// <summary>A second identity beside <see cref="RunningGateway.Identity"/>, with grants and keys of its own: for what one caller must not reach of another's.</summary>
internal static class SecondIdentity
{
    public const string Name = "other-agent";

    /// <summary>A grant of <paramref name="server"/> to this identity, allowing everything, its policy written in <paramref name="policies"/>.</summary>
    public static JsonObject Grant(TestDirectory policies, string id, string server) => new()
    {
        ["id"] = id,
        ["server"] = server,
        ["identities"] = new JsonArray(Name),
        ["policy"] = policies.Write($"{id}.json", RunningGateway.AllowAll),
    };

    /// <summary>Keys for <see cref="RunningGateway.Identity"/> and this identity, on a gateway that authenticates by key.</summary>
    public static async Task<(string Key, string OtherKey)> KeysAsync(RunningGateway gateway)
    {
        var keys = gateway.Services.GetRequiredService<IApiKeyStore>();
        return ((await keys.CreateAsync(RunningGateway.Identity)).Secret, (await keys.CreateAsync(Name)).Secret);
    }
}
