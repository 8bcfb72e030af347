namespace Gatehouse.Relay.Accounts;

/// <summary>
/// A person reached a server that requires OAuth without a connected account there (no tokens held, or tokens the
/// upstream no longer accepts and that cannot be refreshed), or with one that lacks a scope the request needs: they must
/// connect it in a browser first, at <see cref="ConnectLink"/> when the gateway knew its own address where this was found.
/// </summary>
public sealed class UpstreamAccountRequiredException(string server, string? identity, string? connectLink = null, string? scope = null)
    : Exception(Describe(server, identity, scope) + (identity is null ? "" : connectLink is null
        ? $" Connect it in a browser at Gatehouse's web address, where a request to /mcp/{server} is answered with the link (or ask the " +
          "operator to set oauth.issuer, so that this message carries it), then try again."
        : $" Open {connectLink} in a browser to connect it (the link is yours alone and good for {ConnectTickets.Lifetime.TotalMinutes:0} minutes), then try again."))
{
    /// <summary>The server that requires OAuth.</summary>
    public string Server { get; } = server;

    /// <summary>The identity that must connect, or null when the caller is not signed in (and so cannot).</summary>
    public string? Identity { get; } = identity;

    /// <summary>The link that connects the account, when known.</summary>
    public string? ConnectLink { get; } = connectLink;

    /// <summary>
    /// The scopes (space-separated) the person must allow when connecting: those held and those the upstream asked for
    /// (a step-up, after its <c>insufficient_scope</c>); null when the server's own choice will do.
    /// </summary>
    public string? Scope { get; } = scope;

    private static string Describe(string server, string? identity, string? scope) => (identity, scope) switch
    {
        (null, _) => $"Server '{server}' requires each person to connect their own account, and this request is not signed in as anyone.",
        (_, null) => $"Identity '{identity}' has not connected an account on server '{server}' yet.",
        _ => $"Server '{server}' needs more access than identity '{identity}' has allowed it: connect the account again to allow scope '{scope}'.",
    };
}
