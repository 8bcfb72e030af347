using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gatehouse.OAuth;
using Gatehouse.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using OpenIddict.Abstractions;

namespace Gatehouse.Tests.OAuth;

/// <summary>
/// Anyone may register a client, so registration is bounded: a few a minute per address, a cap on how many such clients
/// the store holds, and those that fell out of use removed by the hourly pruning; configured clients are never touched.
/// </summary>
public sealed class RegistrationLimitsTests
{
    private const string Metadata = """{ "redirect_uris": ["http://127.0.0.1:33418/callback"], "token_endpoint_auth_method": "none" }""";

    [Fact]
    public async Task Registrations_past_the_limit_of_an_address_are_answered_429_with_Retry_After()
    {
        await using var gateway = await StartAsync(options => options.RegistrationsPerMinute = 3);
        using var http = new HttpClient { BaseAddress = gateway.BaseUrl };

        for (var i = 0; i < 3; i++)
        {
            using var accepted = await RegisterAsync(http);
            Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        }

        using var refused = await RegisterAsync(http);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var retryAfter = int.Parse(Assert.Single(refused.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        var body = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;
        Assert.Contains("at most 3 a minute", body["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(3, (await SelfRegisteredAsync(gateway)).Count);
    }

    [Fact]
    public async Task Past_the_cap_registration_is_refused_with_a_clear_error_and_configured_clients_do_not_count()
    {
        await using var gateway = await StartAsync(options => options.MaxSelfRegisteredClients = 2);
        using var http = new HttpClient { BaseAddress = gateway.BaseUrl };
        using var first = await RegisterAsync(http);
        using var second = await RegisterAsync(http);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);

        using var refused = await RegisterAsync(http);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var body = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;
        Assert.Equal("access_denied", body["error"]!.GetValue<string>());
        Assert.Contains("2 clients that registered themselves", body["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2, (await SelfRegisteredAsync(gateway)).Count);
        using var configured = new OAuthTestClient(gateway.BaseUrl);
        Assert.NotEmpty((await configured.TokensAsync()).Access);
    }

    [Fact]
    public async Task Clients_that_registered_themselves_and_fell_out_of_use_are_removed_and_configured_ones_never()
    {
        var time = new ShiftedClock();
        await using var gateway = await StartAsync(services: services => services.AddSingleton<TimeProvider>(time));
        using var registrar = new OAuthTestClient(gateway.BaseUrl);
        var abandoned = (await registrar.RegisterAsync(Metadata)).Body["client_id"]!.GetValue<string>();
        var used = (await registrar.RegisterAsync(Metadata)).Body["client_id"]!.GetValue<string>();
        using var client = new OAuthTestClient(gateway.BaseUrl, used);
        var (_, refresh) = await client.TokensAsync();

        time.Advance(TimeSpan.FromDays(10));
        var (refreshed, _) = await client.RefreshAsync(refresh);
        Assert.Equal(HttpStatusCode.OK, refreshed);
        time.Advance(TimeSpan.FromDays(21));
        await PruneAsync(gateway);

        Assert.Null(await FindAsync(gateway, abandoned));
        Assert.NotNull(await FindAsync(gateway, used));

        time.Advance(TimeSpan.FromDays(10));
        await PruneAsync(gateway);

        Assert.Null(await FindAsync(gateway, used));
        Assert.NotNull(await FindAsync(gateway, OAuthTestClient.ClientId));
        Assert.Empty(await SelfRegisteredAsync(gateway));
    }

    [Fact]
    public async Task A_client_never_issued_a_code_or_token_is_removed_after_an_hour_and_one_that_was_is_kept()
    {
        var time = new ShiftedClock();
        await using var gateway = await StartAsync(services: services => services.AddSingleton<TimeProvider>(time));
        using var registrar = new OAuthTestClient(gateway.BaseUrl);
        var squatter = (await registrar.RegisterAsync(Metadata)).Body["client_id"]!.GetValue<string>();
        var used = (await registrar.RegisterAsync(Metadata)).Body["client_id"]!.GetValue<string>();
        using var client = new OAuthTestClient(gateway.BaseUrl, used);
        var (_, refresh) = await client.TokensAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.RevokeAsync(refresh)).Status);

        time.Advance(TimeSpan.FromMinutes(50));
        await PruneAsync(gateway);
        Assert.NotNull(await FindAsync(gateway, squatter));

        time.Advance(TimeSpan.FromMinutes(20));
        time.Advance(TimeSpan.FromDays(1));
        await PruneAsync(gateway);

        Assert.Null(await FindAsync(gateway, squatter));
        Assert.NotNull(await FindAsync(gateway, used));
    }

    [Theory]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:ffff::2", true)]
    [InlineData("2001:db8:1::1", "2001:db8:2::1", false)]
    [InlineData("::ffff:192.0.2.1", "192.0.2.1", true)]
    [InlineData("192.0.2.1", "192.0.2.2", false)]
    public void An_IPv6_address_counts_by_its_48(string one, string other, bool same) =>
        Assert.Equal(same, RegistrationRateLimit.PartitionOf(IPAddress.Parse(one)) == RegistrationRateLimit.PartitionOf(IPAddress.Parse(other)));

    private static Task<RunningGateway> StartAsync(Action<OAuthServerOptions>? options = null, Action<IServiceCollection>? services = null) =>
        RunningGateway.StartAsync(Upstreams.Servers(("test", Upstreams.Http(new Uri("http://127.0.0.1:9/mcp")))),
            configureServices: collection =>
            {
                collection.Replace(ServiceDescriptor.Singleton<IOAuthSignIn, TestSignIn>());
                collection.PostConfigure<OAuthServerOptions>(o => options?.Invoke(o));
                services?.Invoke(collection);
            },
            auth: new JsonObject(),
            sections: new JsonObject
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

    private static async Task<HttpResponseMessage> RegisterAsync(HttpClient http)
    {
        using var content = new StringContent(Metadata, Encoding.UTF8, "application/json");
        return await http.PostAsync("/oauth/register", content);
    }

    private static Task PruneAsync(RunningGateway gateway) =>
        gateway.Services.GetServices<IHostedService>().OfType<TokenPruning>().Single().PruneAsync(CancellationToken.None);

    private static async Task<object?> FindAsync(RunningGateway gateway, string clientId)
    {
        using var scope = gateway.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>().FindByClientIdAsync(clientId);
    }

    private static async Task<List<string>> SelfRegisteredAsync(RunningGateway gateway)
    {
        using var scope = gateway.Services.CreateScope();
        return await SelfRegisteredClients.ListAsync(scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>(), CancellationToken.None);
    }
}

