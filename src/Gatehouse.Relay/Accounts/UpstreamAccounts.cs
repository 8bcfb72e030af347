using System.Net;
using System.Security.Claims;
using Gatehouse.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Authentication;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay.Accounts;

/// <summary>Gatehouse as the OAuth client of upstream servers, one person at a time, with the MCP SDK doing the protocol.</summary>
internal sealed class UpstreamAccounts(GatehouseConfig config, IUpstreamTokenVault vault, ConnectTickets tickets,
    IHttpClientFactory httpClients, IHttpMessageHandlerFactory handlers, IHttpContextAccessor requests, TimeProvider time, ILoggerFactory loggerFactory)
    : IUpstreamAccounts
{
    /// <summary>Where the upstream's authorization server sends the browser back, under the gateway's address.</summary>
    public const string CallbackPath = "/connect/callback";

    /// <summary>What Gatehouse calls itself when it registers dynamically.</summary>
    private const string ClientName = "Gatehouse";

    // A relay session never starts a sign-in (it has no browser), so its redirect URI is used by nothing but the SDK's check.
    public static readonly Uri NoBrowser = new("http://localhost" + CallbackPath);

    public IUpstreamConnector? SessionConnector(UpstreamServerConfig server, ClaimsPrincipal? user)
    {
        if (server is not { Kind: UpstreamKind.Http, OAuth: not null })
        {
            return null;
        }

        var identity = RelayCall.IdentityOf(user);

        // Opened within the client's initialize: the gateway's address as the person reached it is known now, not later,
        // when the upstream stops taking their tokens mid-session and the refusal must carry a fresh link.
        var address = requests.HttpContext?.Request is { } request ? GatewayAddress(request) : ConfiguredAddress();
        var options = identity is null ? null : Options(server, identity, NoBrowser, async (authorization, cancellationToken) =>
            throw await RefusalAsync(server.Name, identity, address, authorization.AuthorizationUri, cancellationToken).ConfigureAwait(false));
        return new OAuthSessionConnector(new UpstreamConnector(httpClients, loggerFactory, handlers), vault, options, identity);
    }

    /// <summary>
    /// The refusal for an authorization the SDK's client would start (<paramref name="authorization"/>): the person connects
    /// again, for the larger scope when the upstream asked for one they had not allowed (a step-up), keeping their tokens meanwhile.
    /// </summary>
    public async Task<UpstreamAccountRequiredException> RefusalAsync(string server, string identity, Uri? gateway, Uri authorization,
        CancellationToken cancellationToken)
    {
        var held = await vault.GetAsync(identity, server, cancellationToken).ConfigureAwait(false);
        var scope = StepUpScope.Of(held?.Scope, QueryHelpers.ParseQuery(authorization.Query)["scope"].ToString());
        return new UpstreamAccountRequiredException(server, identity, gateway is null ? null : ConnectLink(gateway, server, identity, scope), scope);
    }

    /// <summary>Where people's upstream tokens are kept.</summary>
    public IUpstreamTokenVault Vault => vault;

    /// <summary>The token source of <paramref name="identity"/>'s requests without a session to <paramref name="server"/>.</summary>
    public PersonalBearer Bearer(UpstreamServerConfig server, string? identity) => new(this, vault, server, identity, time);

    public string RefusalText(HttpRequest request, UpstreamAccountRequiredException refusal) => WithLink(request, refusal).Message;

    public UpstreamAccountRequiredException WithLink(HttpRequest request, UpstreamAccountRequiredException refusal) => refusal.Identity is null
        ? refusal
        : new UpstreamAccountRequiredException(refusal.Server, refusal.Identity,
            ConnectLink(GatewayAddress(request), refusal.Server, refusal.Identity, refusal.Scope), refusal.Scope);

    public UpstreamAccountRequiredException WithLink(UpstreamAccountRequiredException refusal) =>
        refusal.Identity is null || refusal.ConnectLink is not null || ConfiguredAddress() is not { } address
            ? refusal
            : new UpstreamAccountRequiredException(refusal.Server, refusal.Identity,
                ConnectLink(address, refusal.Server, refusal.Identity, refusal.Scope), refusal.Scope);

    /// <summary>
    /// The gateway's address without a request to tell it (<c>gatehouse stdio</c>): the configured issuer, else the
    /// <c>listen</c> address when a browser can open it.
    /// </summary>
    public Uri? ConfiguredAddress() => IssuerAddress() ?? ListenAddress();

    /// <summary>The configured <c>listen</c> address when it names one host and port; null for a wildcard host or port 0, which no browser opens.</summary>
    public Uri? ListenAddress() =>
        Uri.TryCreate(config.Listen, UriKind.Absolute, out var listen) && listen.Port > 0 && listen.Host is { Length: > 0 } and not ("*" or "+")
        && !(IPAddress.TryParse(listen.DnsSafeHost, out var ip) && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any)))
            ? new Uri(listen.GetLeftPart(UriPartial.Authority))
            : null;

    /// <summary>The gateway's own address as the person reaches it: the configured issuer when there is one, else this request's.</summary>
    public Uri GatewayAddress(HttpRequest request) => GatewayAddress(new Uri($"{request.Scheme}://{request.Host}{request.PathBase}"));

    /// <summary>The gateway's own address as the person reaches it: the configured issuer when there is one, else <paramref name="reached"/>.</summary>
    public Uri GatewayAddress(Uri reached) => IssuerAddress() ?? reached;

    private Uri? IssuerAddress() =>
        config.OAuth.Issuer is { } issuer ? new Uri(issuer.GetLeftPart(UriPartial.Authority) + issuer.AbsolutePath.TrimEnd('/')) : null;

    public string ConnectLink(Uri gateway, string server, string identity, string? scope = null) =>
        QueryHelpers.AddQueryString($"{gateway.AbsoluteUri.TrimEnd('/')}/connect/{Uri.EscapeDataString(server)}", "ticket", tickets.Issue(identity, server, scope));

    /// <summary>
    /// The SDK's OAuth options for <paramref name="identity"/> at <paramref name="server"/>: its tokens (in the vault unless
    /// <paramref name="tokens"/>), and the operator's registration.
    /// </summary>
    public ClientOAuthOptions Options(UpstreamServerConfig server, string identity, Uri redirectUri,
        Func<AuthorizationCallbackContext, CancellationToken, Task<AuthorizationResult?>> signIn, ITokenCache? tokens = null,
        ScopeSelectorDelegate? scopes = null)
    {
        var oauth = server.OAuth!;
        return new ClientOAuthOptions
        {
            RedirectUri = redirectUri,
            ClientId = oauth.ClientId,
            ClientSecret = oauth.ClientSecret,
            ClientMetadataDocumentUri = oauth.ClientMetadataUrl,
            Scopes = oauth.Scopes.Count > 0 ? oauth.Scopes : null,
            TokenCache = tokens ?? new VaultTokenCache(vault, identity, server.Name),
            ScopeSelector = scopes,
            AuthServerSelector = oauth.AuthorizationServer is { } pinned ? named => Pinned(server.Name, pinned, named) : null,
            AuthorizationCallbackHandler = signIn,
            DynamicClientRegistration = new DynamicClientRegistrationOptions { ClientName = ClientName },
        };
    }

    /// <summary>
    /// The configured authorization server among those the upstream names, else a refusal: the SDK sends a configured client's
    /// credentials to whichever server it selects, and the upstream's metadata, which names them, is the upstream's to change.
    /// </summary>
    private static Uri Pinned(string server, Uri pinned, IReadOnlyList<Uri> named) =>
        named.FirstOrDefault(uri => SameIssuer(uri, pinned)) ?? throw new InvalidOperationException(
            $"Server '{server}' names the authorization server {string.Join(", ", named.Select(uri => $"'{uri.OriginalString}'"))}, not " +
            $"'{pinned.OriginalString}' of its 'authorizationServer': Gatehouse takes part in no flow there and sends it no credentials. " +
            "If the server has moved, the operator updates 'authorizationServer' (and 'clientId') in its 'oauth'.");

    // Issuers are compared as RFC 8414 says, exactly, but for the scheme and host's case and a bare origin's trailing slash.
    private static bool SameIssuer(Uri a, Uri b) =>
        string.Equals(a.AbsoluteUri.TrimEnd('/'), b.AbsoluteUri.TrimEnd('/'), StringComparison.Ordinal);

    /// <summary>A client session of <paramref name="identity"/>'s own with the server, for the connect flow: the first request runs the sign-in.</summary>
    public Task<McpClient> ConnectClientAsync(UpstreamServerConfig server, ClientOAuthOptions options, CancellationToken cancellationToken) =>
        new UpstreamConnector(httpClients, loggerFactory, handlers).ConnectClientAsync(server, new McpClientOptions(), options, cancellationToken);

    /// <summary>Opens sessions as one person: refused before any request when they hold no tokens.</summary>
    private sealed class OAuthSessionConnector(UpstreamConnector inner, IUpstreamTokenVault vault, ClientOAuthOptions? options, string? identity)
        : IUpstreamConnector
    {
        public async Task<ITransport> ConnectAsync(UpstreamServerConfig server, CancellationToken cancellationToken)
        {
            if (identity is null || options is null || await vault.GetAsync(identity, server.Name, cancellationToken).ConfigureAwait(false) is null)
            {
                throw new UpstreamAccountRequiredException(server.Name, identity);
            }

            return await inner.ConnectAsync(server, options, cancellationToken).ConfigureAwait(false);
        }

        public Task<ITransport?> ListenAsync(UpstreamServerConfig server, ITransport session, string? protocolVersion, CancellationToken cancellationToken) =>
            inner.ListenAsync(server, session, protocolVersion, options, cancellationToken);
    }
}
