using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Gatehouse.Relay.Accounts;

/// <summary>
/// MCP 2025-03-26's fallback for a server that publishes no metadata (<c>"defaultEndpoints": true</c> in its <c>oauth</c>):
/// when the authorization server metadata at the server's origin is not found, the MCP SDK's OAuth client is answered with
/// that revision's default endpoints, <c>/authorize</c>, <c>/token</c> and <c>/register</c> at the origin. The SDK then runs
/// the flow as with any metadata; it would not fall back itself but for every server of the process at once.
/// </summary>
/// <remarks>
/// One handler per server that asks for it, on the HTTP client of that server's own flows alone, answering for its own
/// origin alone: another upstream naming that origin as its authorization server is given nothing made up.
/// </remarks>
internal sealed class DefaultAuthorizationEndpoints(Uri server) : DelegatingHandler
{
    // The SDK asks for the origin's OAuth metadata first and OpenID Connect's last: only the last one missing means neither is there.
    private const string LastMetadataPath = "/.well-known/openid-configuration";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.NotFound || request.Method != HttpMethod.Get ||
            request.RequestUri is not { AbsolutePath: LastMetadataPath, Query: "" } uri || !FallsBack(uri))
        {
            return response;
        }

        response.Dispose();
        var origin = uri.GetLeftPart(UriPartial.Authority);
        return new HttpResponseMessage(HttpStatusCode.OK)
        {
            RequestMessage = request,
            Content = JsonContent.Create(new JsonObject
            {
                ["issuer"] = origin,
                ["authorization_endpoint"] = $"{origin}/authorize",
                ["token_endpoint"] = $"{origin}/token",
                ["registration_endpoint"] = $"{origin}/register",
                ["response_types_supported"] = new JsonArray("code"),
                // That revision requires PKCE of every client and server.
                ["code_challenge_methods_supported"] = new JsonArray("S256"),
            }),
        };
    }

    private bool FallsBack(Uri metadata) =>
        string.Equals(server.GetLeftPart(UriPartial.Authority), metadata.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase);
}
