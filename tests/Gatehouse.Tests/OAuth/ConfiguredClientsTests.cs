using System.Net;
using System.Text.Json.Nodes;
using Gatehouse.Configuration;
using Gatehouse.Hosting;
using Gatehouse.OAuth;
using Gatehouse.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gatehouse.Tests.OAuth;

/// <summary>The clients in <c>oauth.clients</c> are the ones the store holds: one the operator removes can no longer start a flow.</summary>
public sealed class ConfiguredClientsTests
{
    [Fact]
    public async Task A_client_removed_from_the_configuration_is_refused_after_a_restart()
    {
        using var directory = new TestDirectory();
        var listen = $"http://127.0.0.1:{RedisServerProcess.FreeLoopbackPort()}";
        var kept = Client(OAuthTestClient.ClientId);

        await using (var first = await StartAsync(directory, listen, kept, Client("removed-client")))
        {
            using var client = new OAuthTestClient(new Uri(listen));
            using var response = await client.AuthorizeAsync(WithClient(client.AuthorizeQuery(), "removed-client"));
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            await first.StopAsync();
        }

        await using var second = await StartAsync(directory, listen, kept);
        using var again = new OAuthTestClient(new Uri(listen));
        using var refused = await again.AuthorizeAsync(WithClient(again.AuthorizeQuery(), "removed-client"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Null(refused.Headers.Location);
        Assert.False(string.IsNullOrEmpty(await again.CodeAsync()));
        await second.StopAsync();
    }

    private static JsonObject Client(string id) => new() { ["clientId"] = id, ["redirectUris"] = new JsonArray(OAuthTestClient.RedirectUri) };

    private static Dictionary<string, string?> WithClient(Dictionary<string, string?> query, string clientId)
    {
        query["client_id"] = clientId;
        return query;
    }

    private static async Task<WebApplication> StartAsync(TestDirectory directory, string listen, params JsonObject[] clients)
    {
        var path = GatewayConfigFile.Write(directory, Upstreams.Servers(("test", Upstreams.Http(new Uri("http://127.0.0.1:9/mcp")))), listen: listen,
            auth: new JsonObject(), sections: new JsonObject { ["oauth"] = new JsonObject { ["clients"] = new JsonArray([.. clients.Select(c => c.DeepClone())]) } });
        var app = GatewayApplication.Build(GatehouseConfigLoader.Load(path),
            configureServices: services => services.Replace(ServiceDescriptor.Singleton<IOAuthSignIn, TestSignIn>()));
        await app.StartAsync();
        return app;
    }
}
