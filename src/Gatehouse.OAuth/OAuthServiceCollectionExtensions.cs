using Gatehouse.OAuth.SignIn;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Gatehouse.OAuth;

/// <summary>Adds Gatehouse's authorization server the ASP.NET Core way.</summary>
public static class OAuthServiceCollectionExtensions
{
    /// <summary>
    /// Adds the authorization server of Gatehouse's MCP endpoints: OpenIddict over Gatehouse's store, the authorization
    /// code flow with PKCE (S256 only), one resource per token, rotating refresh tokens, revocation, and the metadata at
    /// <see cref="OAuthPaths.Metadata"/>. Tokens are protected with ASP.NET Core Data Protection, whose keys the host persists.
    /// Until <see cref="GatehouseOAuthBuilder.WithSignIn{TSignIn}"/> names a sign-in, no one can sign in and no token is issued.
    /// </summary>
    public static GatehouseOAuthBuilder AddGatehouseOAuthServer(this IServiceCollection services, Action<OAuthServerOptions> configure)
    {
        services.Configure(configure);
        // Read now: whether there is a provider decides which authentication handlers exist.
        var configured = new OAuthServerOptions();
        configure(configured);
        var authentication = services.AddAuthentication().AddCookie(PersonSession.Scheme, PersonSession.Configure);
        services.AddAntiforgery();
        services.TryAddSingleton<ConsentTicket>();
        services.TryAddSingleton<FreshLogin>();
        // Until the host says which grants a server has, nobody holds one and no scope but offline_access is granted.
        services.TryAddSingleton<IOAuthGrants, NoOAuthGrants>();
        services.TryAddSingleton<LocalSignIns>();
        services.TryAddScoped<LocalSignInDecisions>();
        if (configured.Provider is { } provider)
        {
            ProviderSignIn.Add(authentication, provider);
        }

        if (configured.Provider is not null || configured.LocalSignIn)
        {
            services.TryAddSingleton<IOAuthSignIn, PeopleSignIn>();
        }

        services.TryAddSingleton<IOAuthSignIn, NoOAuthSignIn>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddHostedService<ConfiguredClients>();
        services.AddHostedService<TokenPruning>();
        services.AddRateLimiter(RegistrationRateLimit.Configure);
        services.TryAddScoped<OAuthAdministration>();
        services.TryAddScoped<IOAuthConsents, OAuthConsents>();
        services.TryAddScoped<ClientMetadataDocuments>();
        services.TryAddSingleton<ClientAdmissionRateLimit>();
        services.AddHttpClient(ClientMetadataDocuments.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(5))
            .ConfigurePrimaryHttpMessageHandler(provider =>
            {
                var allowPrivate = provider.GetRequiredService<IOptions<OAuthServerOptions>>().Value.AllowPrivateAddresses;
                return new SocketsHttpHandler
                {
                    AllowAutoRedirect = false,
                    UseCookies = false,
                    UseProxy = false,
                    ConnectCallback = (context, token) => ClientMetadataDocuments.ConnectAsync(context, allowPrivate, token),
                };
            });
        services.AddOpenIddict()
            .AddCore(core => core.UseGatehouseStore())
            .AddServer(server =>
            {
                server.SetAuthorizationEndpointUris(OAuthPaths.Authorization[1..])
                    .SetTokenEndpointUris(OAuthPaths.Token[1..])
                    .SetRevocationEndpointUris(OAuthPaths.Revocation[1..])
                    .SetConfigurationEndpointUris(OAuthPaths.Metadata[1..]);
                server.AllowAuthorizationCodeFlow().AllowRefreshTokenFlow().RequireProofKeyForCodeExchange();
                // "plain" sends the verifier itself through the browser: S256 only (OAuth 2.1, MCP's authorization spec).
                server.Configure(o => o.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain));
                // Resources are Gatehouse's own rule (one server's endpoint), checked by its handlers; scopes are those the server's
                // grants and policies name, checked by the authorization endpoint (AuthorizationEndpoint): neither is looked up in a store.
                server.DisableResourceValidation().IgnoreResourcePermissions().DisableScopeValidation().IgnoreScopePermissions();
                server.RegisterScopes(Scopes.OfflineAccess);
                server.AddEventHandler(RequireOneServerResource.Descriptor).AddEventHandler(KeepTheGrantedResource.Descriptor)
                    .AddEventHandler(AdvertiseRegistration.Descriptor).AddEventHandler(AdmitMetadataDocumentClient.Descriptor);
                // Native clients take a free port on a loopback address each run (RFC 8252 §7.3).
                server.RemoveEventHandler(ValidateLoopbackRedirectUri.Replaced).AddEventHandler(ValidateLoopbackRedirectUri.Descriptor);
                // A refresh token works once: presented again, even a moment later, it is refused and its successors revoked.
                server.SetRefreshTokenReuseLeeway(TimeSpan.Zero);
                // Codes and tokens are Data Protection payloads that only Gatehouse reads; these keys sign nothing a client
                // keeps (no identity tokens are issued), so they need not outlive the process.
                server.AddEphemeralEncryptionKey().AddEphemeralSigningKey();
                server.UseDataProtection();
                // The configuration refuses plain HTTP except on loopback or behind a configured https:// issuer.
                server.UseAspNetCore().EnableAuthorizationEndpointPassthrough().DisableTransportSecurityRequirement();
            })
            .AddValidation(validation =>
            {
                validation.UseLocalServer();
                validation.UseDataProtection();
                validation.UseAspNetCore();
                // Every use of an access token reads its entry, so that a revoked token stops working at once.
                validation.EnableTokenEntryValidation();
                validation.EnableAuthorizationEntryValidation();
            });
        services.AddOptions<OpenIddict.Server.OpenIddictServerOptions>().Configure<IOptions<OAuthServerOptions>>((server, gatehouse) =>
        {
            server.Issuer = gatehouse.Value.Issuer;
            server.AccessTokenLifetime = gatehouse.Value.AccessTokenLifetime;
            server.RefreshTokenLifetime = gatehouse.Value.RefreshTokenLifetime;
            server.AuthorizationCodeLifetime = gatehouse.Value.AuthorizationCodeLifetime;
        });
        return new GatehouseOAuthBuilder(services);
    }

    /// <summary>
    /// Adds <see cref="OAuthAdministration"/> (listing and revoking clients and tokens) over Gatehouse's store, for a host
    /// that does not serve the authorization server itself, such as a command.
    /// </summary>
    public static IServiceCollection AddGatehouseOAuthAdministration(this IServiceCollection services)
    {
        services.AddOpenIddict().AddCore(core => core.UseGatehouseStore());
        services.TryAddScoped<OAuthAdministration>();
        services.TryAddScoped<IOAuthConsents, OAuthConsents>();
        return services;
    }

    /// <summary>
    /// Applies the limits of the authorization server's endpoints (registrations per address): after routing, before the
    /// endpoints <see cref="MapGatehouseOAuth"/> maps.
    /// </summary>
    public static IApplicationBuilder UseGatehouseOAuth(this IApplicationBuilder app) => app.UseRateLimiter();

    /// <summary>
    /// Maps the authorization endpoint's sign-in step and, unless registration is off, the registration endpoint; OpenIddict
    /// answers the other endpoints itself.
    /// </summary>
    public static IEndpointRouteBuilder MapGatehouseOAuth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMethods(OAuthPaths.Authorization, [HttpMethods.Get, HttpMethods.Post], AuthorizationEndpoint.HandleAsync).DisableAntiforgery();
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<OAuthServerOptions>>().Value;
        if (options.Provider is null && options.LocalSignIn)
        {
            LocalSignInPages.Map(endpoints);
        }

        if (options.Registration != OAuthRegistrationPolicy.Off)
        {
            endpoints.MapPost(OAuthPaths.Registration, ClientRegistration.HandleAsync).DisableAntiforgery().RequireRateLimiting(RegistrationRateLimit.Policy);
        }

        return endpoints;
    }
}

/// <summary>Configures the authorization server <see cref="OAuthServiceCollectionExtensions.AddGatehouseOAuthServer"/> added.</summary>
public sealed class GatehouseOAuthBuilder
{
    internal GatehouseOAuthBuilder(IServiceCollection services) => Services = services;

    /// <summary>The services the server was added to.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Signs people in at the authorization endpoint with <typeparamref name="TSignIn"/>.</summary>
    public GatehouseOAuthBuilder WithSignIn<TSignIn>()
        where TSignIn : class, IOAuthSignIn
    {
        Services.Replace(ServiceDescriptor.Singleton<IOAuthSignIn, TSignIn>());
        return this;
    }
}
