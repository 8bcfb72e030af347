using Gatehouse.OAuth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Gatehouse.OperatorConsole;

/// <summary>
/// Sign-in with the operator's OpenID Connect provider: the authorization code flow with PKCE, the provider found by
/// discovery at its issuer, and then the same console session as a key's. The person's identity and roles are read from
/// the claims the gateway reads from the provider's JWTs, so a person is one identity whichever way they come.
/// </summary>
internal static partial class ConsoleProviderSignIn
{
    public const string Scheme = "gatehouse-console-provider";

    /// <summary>Where the sign-in page's button starts the flow.</summary>
    public const string StartPath = "/ui/sign-in/provider";

    /// <summary>The redirect URI to register at the provider (after the console's address).</summary>
    public const string CallbackPath = "/ui/signin-oidc";

    /// <summary>The post-logout redirect URI to register at the provider.</summary>
    public const string SignedOutCallbackPath = "/ui/signout-oidc";

    /// <summary>Why a sign-in with the provider failed, as the sign-in page's <c>error</c> parameter names it.</summary>
    public static class Errors
    {
        public const string Unreachable = "provider-unreachable";
        public const string Refused = "provider-refused";
        public const string NoIdentity = "provider-no-identity";
    }

    private const string ReturnUrlItem = "gatehouse:return_url";
    private const string IdToken = "id_token";

    public static void Add(AuthenticationBuilder authentication, ConsoleProviderOptions provider) =>
        authentication.AddOpenIdConnect(Scheme, options =>
        {
            options.SignInScheme = ConsoleAuthentication.Scheme;
            OpenIdConnectCodeFlow.Configure(options, provider.Issuer, provider.ClientId, provider.ClientSecret, provider.Scopes, CallbackPath);
            options.SignedOutCallbackPath = SignedOutCallbackPath;
            options.Events.OnTokenValidated = context => SignedInAsync(context, provider);
            options.Events.OnRemoteFailure = FailedAsync;
        });

    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet(StartPath, async (HttpContext context, string? returnUrl, IOptionsMonitor<OpenIdConnectOptions> monitor, ILoggerFactory loggers) =>
        {
            try
            {
                // Discovery first: a provider that cannot be reached is a message on the sign-in page, not an error page.
                await monitor.Get(Scheme).ConfigurationManager!.GetConfigurationAsync(context.RequestAborted);
            }
            catch (InvalidOperationException e)
            {
                LogUnreachable(loggers.CreateLogger(typeof(ConsoleProviderSignIn)), e);
                return Results.Redirect($"{ConsoleAuthentication.SignInPath}?error={Errors.Unreachable}");
            }

            var properties = new AuthenticationProperties();
            properties.Items[ReturnUrlItem] = returnUrl;
            return Results.Challenge(properties, [Scheme]);
        });

    /// <summary>
    /// Also ends the person's session at the provider, when the session came from it and the provider advertises an
    /// end-session endpoint; true when the response now sends the browser there.
    /// </summary>
    public static async Task<bool> SignOutAsync(HttpContext context)
    {
        if (context.User.FindFirst(ConsoleAuthentication.ProviderClaim) is null ||
            context.RequestServices.GetService<IOptionsMonitor<OpenIdConnectOptions>>()?.Get(Scheme).ConfigurationManager is not { } provider)
        {
            return false;
        }

        try
        {
            if (string.IsNullOrEmpty((await provider.GetConfigurationAsync(context.RequestAborted)).EndSessionEndpoint))
            {
                return false;
            }
        }
        catch (InvalidOperationException)
        {
            // The console's own session ends all the same; the provider's cannot be reached to be ended.
            return false;
        }

        await context.SignOutAsync(Scheme, new AuthenticationProperties { RedirectUri = ConsoleAuthentication.SignInPath });
        return true;
    }

    /// <summary>The provider vouched for someone: their console session holds the identity and roles its claims name.</summary>
    private static Task SignedInAsync(TokenValidatedContext context, ConsoleProviderOptions provider)
    {
        var claims = context.Principal!;
        if (claims.FindFirst(provider.IdentityClaim)?.Value is not { Length: > 0 } name)
        {
            LogNoIdentity(context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ConsoleProviderSignIn)),
                provider.IdentityClaim);
            context.Response.Redirect($"{ConsoleAuthentication.SignInPath}?error={Errors.NoIdentity}");
            context.HandleResponse();
            return Task.CompletedTask;
        }

        context.Principal = ConsoleAuthentication.PrincipalFor(name, claims.FindAll(provider.RolesClaim).Select(role => role.Value),
            new(ConsoleAuthentication.ProviderClaim, provider.Issuer));
        context.Properties!.RedirectUri = ConsoleAuthentication.LandingPath(context.Principal,
            context.Properties.Items.TryGetValue(ReturnUrlItem, out var returnUrl) ? returnUrl : null);
        // Only the id token, which signing out hands back to the provider; access and refresh tokens are of no use here.
        if ((context.TokenEndpointResponse?.IdToken ?? context.ProtocolMessage.IdToken) is { } idToken)
        {
            context.Properties.StoreTokens([new AuthenticationToken { Name = IdToken, Value = idToken }]);
        }

        return Task.CompletedTask;
    }

    private static Task FailedAsync(RemoteFailureContext context)
    {
        LogRefused(context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ConsoleProviderSignIn)), context.Failure);
        context.Response.Redirect($"{ConsoleAuthentication.SignInPath}?error={Errors.Refused}");
        context.HandleResponse();
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The OpenID Connect provider cannot be reached; nobody signs in with it until it can.")]
    private static partial void LogUnreachable(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A sign-in with the OpenID Connect provider failed.")]
    private static partial void LogRefused(ILogger logger, Exception? exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The OpenID Connect provider signed someone in without a '{Claim}' claim (auth.jwt.identityClaim); refused.")]
    private static partial void LogNoIdentity(ILogger logger, string claim);
}
