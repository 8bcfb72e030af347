using Microsoft.AspNetCore.DataProtection;

namespace Gatehouse.Relay.Accounts;

/// <summary>
/// The signed, short-lived part of a link to connect an account: it names the identity and the server, so that the
/// browser that opens it connects the account of the person who was refused, and of no one else; and the scopes to
/// allow, when the upstream asked for more than the person had allowed.
/// </summary>
internal sealed class ConnectTickets(IDataProtectionProvider protection, TimeProvider time)
{
    /// <summary>Long enough to open the link and sign in upstream; short, since whoever holds the link connects as the identity.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    private readonly ITimeLimitedDataProtector _protector =
        protection.CreateProtector("Gatehouse.Relay.UpstreamConnect.v1").ToTimeLimitedDataProtector();

    public string Issue(string identity, string server, string? scope = null) =>
        _protector.Protect($"{server}\n{identity}\n{scope}", time.GetUtcNow() + Lifetime);

    /// <summary>What the ticket names, when it is genuine, unexpired and for <paramref name="server"/>; else null.</summary>
    public ConnectTicket? Read(string? ticket, string server)
    {
        if (string.IsNullOrEmpty(ticket))
        {
            return null;
        }

        try
        {
            var text = _protector.Unprotect(ticket, out var expiration);
            var parts = text.Split('\n');
            return expiration > time.GetUtcNow() && parts.Length == 3 && parts[0] == server
                ? new ConnectTicket(parts[1], parts[2].Length > 0 ? parts[2] : null)
                : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }
}

/// <summary>Whose account a link connects, and the scopes (space-separated) it must allow besides the server's own choice.</summary>
internal sealed record ConnectTicket(string Identity, string? Scope);
