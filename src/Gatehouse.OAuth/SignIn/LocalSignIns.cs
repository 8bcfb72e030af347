using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Gatehouse.OAuth.SignIn;

/// <summary>
/// Sign-in on a single machine without a provider: a person asks to sign in as an identity, their browser shows a short
/// code, and an admin who checked with the person (and sees the code, the identity, the client and the server) approves
/// or denies it in the admin API. Only the browser that asked, holding a secret cookie, is then signed in, once. Requests
/// are kept in memory for <see cref="Lifetime"/>, at most <see cref="MaxPending"/> at a time: a restart forgets them.
/// </summary>
public sealed class LocalSignIns(TimeProvider time)
{
    /// <summary>How long a request waits for an admin.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    /// <summary>How many requests may wait at once; more are refused, so that asking cannot fill the memory.</summary>
    public const int MaxPending = 50;

    // No 0/O or 1/I: the person reads the code out to the admin.
    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    private readonly ConcurrentDictionary<string, Entry> _requests = new(StringComparer.Ordinal);

    /// <summary>The requests waiting for an admin, oldest first.</summary>
    public IReadOnlyList<LocalSignInRequest> Pending()
    {
        Expire();
        return [.. _requests.Values.Where(e => e.State == LocalSignInState.Waiting).Select(e => e.Request).OrderBy(r => r.AskedAt)];
    }

    /// <summary>Approves or denies the waiting request with <paramref name="code"/>: that request, or null when none waits.</summary>
    public LocalSignInRequest? Decide(string code, bool approve)
    {
        Expire();
        var key = Normalise(code);
        return _requests.TryGetValue(key, out var entry) && entry.State == LocalSignInState.Waiting &&
            _requests.TryUpdate(key, entry with { State = approve ? LocalSignInState.Approved : LocalSignInState.Denied }, entry)
            ? entry.Request
            : null;
    }

    /// <summary>A new request, or null when too many wait; its code and the browser's secret.</summary>
    internal (string Code, string Secret)? Ask(string identity, string clientId, string? clientName, string server, string returnUrl)
    {
        Expire();
        if (_requests.Count >= MaxPending)
        {
            return null;
        }

        var code = Code();
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow();
        var request = new LocalSignInRequest(code, identity, clientId, clientName, server, now, now + Lifetime);
        return _requests.TryAdd(code, new Entry(request, SHA256.HashData(Encoding.UTF8.GetBytes(secret)), returnUrl, LocalSignInState.Waiting))
            ? (code, secret) : null;
    }

    /// <summary>
    /// Where the request of the browser holding <paramref name="secret"/> stands; an approved one is handed over (and
    /// forgotten) with the identity and where to go back to.
    /// </summary>
    internal (LocalSignInState State, LocalSignInRequest? Request, string? ReturnUrl) Check(string code, string secret)
    {
        Expire();
        code = Normalise(code);
        if (!_requests.TryGetValue(code, out var entry) ||
            !CryptographicOperations.FixedTimeEquals(entry.SecretHash, SHA256.HashData(Encoding.UTF8.GetBytes(secret))))
        {
            return (LocalSignInState.Unknown, null, null);
        }

        if (entry.State == LocalSignInState.Waiting)
        {
            return (LocalSignInState.Waiting, entry.Request, null);
        }

        // An answer is given once: the first check takes it.
        return _requests.TryRemove(KeyValuePair.Create(code, entry)) ? (entry.State, entry.Request, entry.ReturnUrl) : (LocalSignInState.Unknown, null, null);
    }

    private void Expire()
    {
        var now = time.GetUtcNow();
        foreach (var (code, entry) in _requests)
        {
            if (entry.Request.ExpiresAt <= now)
            {
                _requests.TryRemove(KeyValuePair.Create(code, entry));
            }
        }
    }

    private static string Code()
    {
        var chars = RandomNumberGenerator.GetItems<char>(Alphabet, 8);
        return $"{new string(chars, 0, 4)}-{new string(chars, 4, 4)}";
    }

    private static string Normalise(string code) => code.Trim().ToUpperInvariant();

    private sealed record Entry(LocalSignInRequest Request, byte[] SecretHash, string ReturnUrl, LocalSignInState State);
}

/// <summary>A person's request to sign in on this machine, as the admin sees it.</summary>
/// <param name="Code">The code the person's browser shows.</param>
/// <param name="Identity">The identity they ask to sign in as.</param>
/// <param name="ClientId">The client they are connecting.</param>
/// <param name="ClientName">Its display name, if it has one.</param>
/// <param name="Server">The server the client asked for.</param>
/// <param name="AskedAt">When they asked.</param>
/// <param name="ExpiresAt">When the request lapses unanswered.</param>
public sealed record LocalSignInRequest(string Code, string Identity, string ClientId, string? ClientName, string Server, DateTimeOffset AskedAt,
    DateTimeOffset ExpiresAt);

/// <summary>Where a local sign-in request stands.</summary>
internal enum LocalSignInState
{
    Unknown,
    Waiting,
    Approved,
    Denied,
}
