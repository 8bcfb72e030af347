using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Gatehouse.Audit;
using Gatehouse.OAuth;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gatehouse.Tests.OAuth;

/// <summary>
/// <c>gatehouse oauth clients list | revoke</c> and <c>gatehouse oauth tokens list | revoke</c> against a running gateway's
/// store: what they list, that a revocation takes effect at the endpoint at once, and that it is audited.
/// </summary>
public sealed class OAuthCommandTests : IAsyncLifetime
{
    private RunningTestServer _upstream = null!;
    private RunningGateway _gateway = null!;

    private string Config => _gateway.Config.ConfigPath;

    public async Task InitializeAsync()
    {
        _upstream = await TestServerHost.StartAsync();
        _gateway = await RunningGateway.StartAsync(Upstreams.Servers(("test", Upstreams.Http(_upstream.McpUrl))),
            configureServices: services => services.Replace(ServiceDescriptor.Singleton<IOAuthSignIn, TestSignIn>()),
            extraGrants: new JsonArray(new JsonObject
            {
                ["id"] = "person-test",
                ["server"] = "test",
                ["identities"] = new JsonArray(TestSignIn.Person),
                ["policy"] = "policy-test.json",
            }),
            sections: new JsonObject
            {
                ["oauth"] = new JsonObject
                {
                    ["clients"] = new JsonArray(new JsonObject
                    {
                        ["clientId"] = OAuthTestClient.ClientId,
                        ["displayName"] = "Test client",
                        ["redirectUris"] = new JsonArray(OAuthTestClient.RedirectUri),
                    }),
                },
            });
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task A_persons_tokens_are_listed_and_once_revoked_refused_at_once_and_the_revocation_is_audited()
    {
        using var client = new OAuthTestClient(_gateway.BaseUrl);
        var (access, _) = await client.TokensAsync();
        Assert.Equal(HttpStatusCode.OK, await StatusWithAsync(access));

        var listed = await CliRunner.RunAsync("oauth", "tokens", "list", "--identity", TestSignIn.Person, "--config", Config, "--json");
        Assert.Equal(0, listed.ExitCode);
        var tokens = JsonNode.Parse(listed.Output)!.AsArray();
        Assert.True(tokens.Any(t => t!["type"]!.GetValue<string>() == "access_token" && t["status"]!.GetValue<string>() == "valid" &&
            t["clientId"]!.GetValue<string>() == OAuthTestClient.ClientId && t["identity"]!.GetValue<string>() == TestSignIn.Person), listed.Output);
        Assert.Contains(tokens, t => t!["type"]!.GetValue<string>() == "refresh_token");
        Assert.DoesNotContain(access, listed.Output, StringComparison.Ordinal);

        var revoked = await CliRunner.RunAsync("oauth", "tokens", "revoke", "--identity", TestSignIn.Person, "--config", Config);

        Assert.Equal(0, revoked.ExitCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithAsync(access));
        var after = JsonNode.Parse((await CliRunner.RunAsync("oauth", "tokens", "list", "--identity", TestSignIn.Person, "--config", Config, "--json")).Output)!;
        Assert.All(after.AsArray(), t => Assert.NotEqual("valid", t!["status"]!.GetValue<string>()));
        var audited = (await _gateway.Services.GetRequiredService<IAuditStore>().QueryAsync(
            new AuditQuery { Kind = AuditKinds.Admin, Decision = AuditDecisions.OAuthTokensRevoked }, default)).Records;
        Assert.Equal(TestSignIn.Person, Assert.Single(audited).Event.Target);
    }

    [Fact]
    public async Task A_registered_client_is_removed_with_its_tokens_and_a_configured_one_keeps_its_place()
    {
        using var anyone = new OAuthTestClient(_gateway.BaseUrl);
        var (status, body) = await anyone.RegisterAsync("""{ "redirect_uris": ["http://127.0.0.1:33418/callback"], "client_name": "Registered", "token_endpoint_auth_method": "none" }""");
        Assert.Equal(HttpStatusCode.Created, status);
        var registeredId = body["client_id"]!.GetValue<string>();
        using var registered = new OAuthTestClient(_gateway.BaseUrl, registeredId);
        var (registeredAccess, _) = await registered.TokensAsync();
        var (configuredAccess, _) = await anyone.TokensAsync();

        var clients = JsonNode.Parse((await CliRunner.RunAsync("oauth", "clients", "list", "--config", Config, "--json")).Output)!.AsArray();
        Assert.Equal("configuration", clients.Single(c => c!["clientId"]!.GetValue<string>() == OAuthTestClient.ClientId)!["source"]!.GetValue<string>());
        Assert.Equal("registered", clients.Single(c => c!["clientId"]!.GetValue<string>() == registeredId)!["source"]!.GetValue<string>());

        var removed = await CliRunner.RunAsync("oauth", "clients", "revoke", registeredId, "--config", Config);
        var kept = await CliRunner.RunAsync("oauth", "clients", "revoke", OAuthTestClient.ClientId, "--config", Config);
        var unknown = await CliRunner.RunAsync("oauth", "clients", "revoke", "no-such-client", "--config", Config);

        Assert.Equal((0, 0, 1), (removed.ExitCode, kept.ExitCode, unknown.ExitCode));
        Assert.Contains("removed", removed.Output, StringComparison.Ordinal);
        Assert.Contains("remove it there", kept.Output, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithAsync(registeredAccess));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithAsync(configuredAccess));
        var left = (await CliRunner.RunAsync("oauth", "clients", "list", "--config", Config)).Output;
        Assert.DoesNotContain(registeredId, left, StringComparison.Ordinal);
        Assert.Contains(OAuthTestClient.ClientId, left, StringComparison.Ordinal);
        // The configured client still signs people in.
        Assert.Equal(HttpStatusCode.OK, await StatusWithAsync((await anyone.TokensAsync()).Access));
    }

    private async Task<HttpStatusCode> StatusWithAsync(string bearer)
    {
        using var raw = new RawMcpClient(_gateway.McpUrl("test"));
        using var request = raw.Post(RawMcpClient.Initialize);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var response = await raw.SendAsync(request);
        return response.StatusCode;
    }
}
