using Gatehouse.Audit;
using Gatehouse.Configuration;

namespace Gatehouse.Relay.Accounts;

/// <summary>
/// What a person does with their own accounts at the upstream servers that require OAuth: see which they connected,
/// get a link to connect one, and disconnect one (Gatehouse deletes the tokens it holds there; recorded in the audit log).
/// </summary>
public interface IUpstreamConnections
{
    /// <summary>Every enabled server that requires OAuth, each with whether <paramref name="identity"/> connected an account there.</summary>
    Task<IReadOnlyList<UpstreamConnection>> ListAsync(string identity, CancellationToken cancellationToken);

    /// <summary>
    /// The signed link (<c>/connect/{server}</c>, good for 15 minutes) that connects <paramref name="identity"/>'s account
    /// at <paramref name="server"/>, under the gateway's address (the configured issuer, else <paramref name="reached"/>);
    /// null when <paramref name="server"/> is not one that people connect an account to.
    /// </summary>
    string? ConnectLink(Uri reached, string server, string identity);

    /// <summary>
    /// Deletes the tokens <paramref name="identity"/> holds at <paramref name="server"/>, as that person: their sessions
    /// there are refused with a link to connect again. False when they held none (then nothing is recorded).
    /// </summary>
    Task<bool> DisconnectAsync(string identity, string server, CancellationToken cancellationToken);
}

/// <summary>One server that requires OAuth, as one person sees it.</summary>
/// <param name="Server">The server's name.</param>
/// <param name="Connected">Whether Gatehouse holds the person's tokens there.</param>
/// <param name="TokensUpdatedAt">When those tokens were last written (obtained or refreshed), when connected.</param>
public sealed record UpstreamConnection(string Server, bool Connected, DateTimeOffset? TokensUpdatedAt);

internal sealed class UpstreamConnections(GatehouseConfig config, IUpstreamTokenVault vault, UpstreamAccounts accounts, IAuditLog audit,
    TimeProvider time) : IUpstreamConnections
{
    public async Task<IReadOnlyList<UpstreamConnection>> ListAsync(string identity, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identity);
        var held = (await vault.ListAsync(identity, cancellationToken).ConfigureAwait(false)).ToDictionary(h => h.Server, h => h.UpdatedAt, StringComparer.Ordinal);
        return [.. config.McpServers.Values.Where(RequiresAccount).OrderBy(s => s.Name, StringComparer.Ordinal)
            .Select(s => held.TryGetValue(s.Name, out var at) ? new UpstreamConnection(s.Name, true, at) : new UpstreamConnection(s.Name, false, null))];
    }

    public string? ConnectLink(Uri reached, string server, string identity)
    {
        ArgumentNullException.ThrowIfNull(reached);
        ArgumentException.ThrowIfNullOrEmpty(identity);
        return config.McpServers.TryGetValue(server, out var upstream) && RequiresAccount(upstream)
            ? accounts.ConnectLink(accounts.GatewayAddress(Gateway(reached)), server, identity)
            : null;
    }

    /// <summary>
    /// Where <c>/connect</c> is served: a console on an address of its own (<c>console.listen</c>) does not serve it, so the
    /// link goes to the gateway's own address when that names a host a browser can reach.
    /// </summary>
    private Uri Gateway(Uri reached) =>
        config.Console.Listen is not null && accounts.ListenAddress() is { } listen ? listen : reached;

    public async Task<bool> DisconnectAsync(string identity, string server, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identity);
        ArgumentNullException.ThrowIfNull(server);
        if (!await vault.RemoveAsync(identity, server, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        // CancellationToken.None: the tokens are gone, and the log must say so even if the person stopped waiting.
        await audit.RecordAsync(new AuditEvent
        {
            Time = time.GetUtcNow(),
            Kind = AuditKinds.Admin,
            Identity = identity,
            Server = server,
            Target = server,
            Decision = AuditDecisions.UpstreamDisconnected,
            Rule = "oauth",
            Reason = $"{identity} disconnected their account on '{server}': Gatehouse deleted the tokens it held there",
        }, CancellationToken.None).ConfigureAwait(false);
        return true;
    }

    private static bool RequiresAccount(UpstreamServerConfig server) => server is { Kind: UpstreamKind.Http, OAuth: not null, Disabled: false };
}
