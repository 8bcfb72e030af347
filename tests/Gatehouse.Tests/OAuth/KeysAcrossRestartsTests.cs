using System.Net;
using System.Text.Json.Nodes;
using Gatehouse.Configuration;
using Gatehouse.Hosting;
using Gatehouse.OAuth;
using Gatehouse.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gatehouse.Tests.OAuth;

/// <summary>The keys that protect codes and tokens are kept in the data directory: a token issued before a restart works after it.</summary>
public sealed class KeysAcrossRestartsTests
{
    [Fact]
    public async Task A_refresh_token_issued_before_a_restart_is_accepted_after_it()
    {
        using var directory = new TestDirectory();
        // One address for both runs: the issuer, and the resource a token is for, are that address.
        var listen = $"http://127.0.0.1:{RedisServerProcess.FreeLoopbackPort()}";
        var path = GatewayConfigFile.Write(directory, Upstreams.Servers(("test", Upstreams.Http(new Uri("http://127.0.0.1:9/mcp")))), listen: listen,
            auth: new JsonObject(), sections: new JsonObject
            {
                ["oauth"] = new JsonObject
                {
                    ["clients"] = new JsonArray(new JsonObject
                    {
                        ["clientId"] = OAuthTestClient.ClientId,
                        ["redirectUris"] = new JsonArray(OAuthTestClient.RedirectUri),
                    }),
                },
            });
        var config = GatehouseConfigLoader.Load(path);

        string refresh;
        await using (var first = await StartAsync(config))
        {
            using var client = new OAuthTestClient(new Uri(listen));
            (_, refresh) = await client.TokensAsync();
            await first.StopAsync();
        }

        Assert.NotEmpty(Directory.GetFiles(Path.Combine(config.DataDir, DataProtectionKeys.Directory), "key-*.xml"));
        await using var second = await StartAsync(config);
        using var again = new OAuthTestClient(new Uri(listen));
        var (status, body) = await again.RefreshAsync(refresh);
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        await second.StopAsync();
    }

    private static async Task<Microsoft.AspNetCore.Builder.WebApplication> StartAsync(GatehouseConfig config)
    {
        var app = GatewayApplication.Build(config, configureServices: services => services.Replace(ServiceDescriptor.Singleton<IOAuthSignIn, TestSignIn>()));
        await app.StartAsync();
        return app;
    }
}
