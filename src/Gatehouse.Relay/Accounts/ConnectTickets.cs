using Microsoft.AspNetCore.DataProtection;

namespace Gatehouse.Relay.Accounts;

/// <summary>
/// The signed, short-lived part of a link to connect an account: it names the identity and the server, so that the
/// browser that opens it connects the account of the person who was refused, and of no one else.
/// </summary>
internal sealed class ConnectTickets(IDataProtectionProvider protection, TimeProvider time)
{
    /// <summary>Long enough to open the link and sign in upstream; short, since whoever holds the link connects as the identity.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    private readonly ITimeLimitedDataProtector _protector =
        protection.CreateProtector("Gatehouse.Relay.UpstreamConnect.v1").ToTimeLimitedDataProtector();

    public string Issue(string identity, string server) =>
        _protector.Protect($"{server}\n{identity}", time.GetUtcNow() + Lifetime);

    /// <summary>The identity the ticket names, when it is genuine, unexpired and for <paramref name="server"/>; else null.</summary>
    public string? Read(string? ticket, string server)
    {
        if (string.IsNullOrEmpty(ticket))
        {
            return null;
        }

        try
        {
            var text = _protector.Unprotect(ticket, out var expiration);
            var parts = text.Split('\n', 2);
            return expiration > time.GetUtcNow() && parts.Length == 2 && parts[0] == server ? parts[1] : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }
}
