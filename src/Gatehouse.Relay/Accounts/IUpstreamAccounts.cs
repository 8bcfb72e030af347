using System.Security.Claims;
using Gatehouse.Configuration;
using Microsoft.AspNetCore.Http;

namespace Gatehouse.Relay.Accounts;

/// <summary>People's own accounts at the upstream servers that require OAuth (<c>"oauth"</c> on an HTTP server).</summary>
public interface IUpstreamAccounts
{
    /// <summary>
    /// The connector for a session of <paramref name="user"/> on <paramref name="server"/> when the server requires OAuth: it
    /// sends that person's upstream token and no one else's, and refuses with <see cref="UpstreamAccountRequiredException"/>
    /// when the person has not connected. Null for a server without OAuth.
    /// </summary>
    IUpstreamConnector? SessionConnector(UpstreamServerConfig server, ClaimsPrincipal? user);

    /// <summary>What a refused person reads: why, and the link that connects their account, for <paramref name="request"/>'s gateway address.</summary>
    string RefusalText(HttpRequest request, UpstreamAccountRequiredException refusal);

    /// <summary>
    /// <paramref name="refusal"/> with a fresh link to connect, made for <paramref name="request"/>'s gateway address (no link
    /// when the caller is not signed in as anyone).
    /// </summary>
    UpstreamAccountRequiredException WithLink(HttpRequest request, UpstreamAccountRequiredException refusal);

    /// <summary>
    /// <paramref name="refusal"/> with a link to connect made for the gateway's configured address (<c>oauth.issuer</c>, else
    /// <c>listen</c>), for a front without an HTTP request (<c>gatehouse stdio</c>); unchanged when no address is known.
    /// </summary>
    UpstreamAccountRequiredException WithLink(UpstreamAccountRequiredException refusal);
}
