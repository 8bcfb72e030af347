using System.Security.Claims;
using Gatehouse.Store;
using Gatehouse.Store.ApiKeys;

namespace Gatehouse.OperatorConsole.Components.Tests;

/// <summary>
/// What an open console page asks every minute without a request (<see cref="ConsoleCircuitRevalidation"/>): whether its
/// session still holds. A page left open must not outlive the session's lifetime, its key's revocation or expiry.
/// </summary>
public sealed class OpenPageSessionTests
{
    private static readonly DateTimeOffset s_now = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    private static ClaimsPrincipal KeySession(string keyId, DateTimeOffset signedInAt)
    {
        var user = ConsoleAuthentication.PrincipalFor(new ApiKeyRecord(keyId, "ops", ["admin"], s_now.AddDays(-1), null, null, null));
        ((ClaimsIdentity)user.Identity!).AddClaim(new Claim(ConsoleAuthentication.SignedInAtClaim, signedInAt.ToString("O")));
        return user;
    }

    private static ApiKeyRecord Key(string id, DateTimeOffset? expiresAt = null, DateTimeOffset? revokedAt = null) =>
        new(id, "ops", ["admin"], s_now.AddDays(-1), expiresAt, revokedAt, null);

    [Fact]
    public async Task A_session_of_a_valid_key_within_its_lifetime_holds()
    {
        Assert.True(await ConsoleAuthentication.StillHoldsAsync(KeySession("k1", s_now.AddHours(-1)), new Keys(Key("k1")), s_now, default));
    }

    [Fact]
    public async Task A_page_left_open_past_the_sessions_lifetime_is_signed_out()
    {
        var signedIn = s_now - ConsoleAuthentication.SessionLifetime;

        Assert.False(await ConsoleAuthentication.StillHoldsAsync(KeySession("k1", signedIn), new Keys(Key("k1")), s_now, default));
    }

    [Fact]
    public async Task A_page_whose_key_was_revoked_expired_or_removed_is_signed_out()
    {
        var user = KeySession("k1", s_now.AddMinutes(-5));

        Assert.False(await ConsoleAuthentication.StillHoldsAsync(user, new Keys(Key("k1", revokedAt: s_now.AddMinutes(-1))), s_now, default));
        Assert.False(await ConsoleAuthentication.StillHoldsAsync(user, new Keys(Key("k1", expiresAt: s_now)), s_now, default));
        Assert.False(await ConsoleAuthentication.StillHoldsAsync(user, new Keys(), s_now, default));
    }

    [Fact]
    public async Task A_page_whose_key_cannot_be_checked_is_signed_out()
    {
        Assert.False(await ConsoleAuthentication.StillHoldsAsync(KeySession("k1", s_now.AddMinutes(-5)), new Keys { Down = true }, s_now, default));
    }

    [Fact]
    public async Task A_session_without_its_sign_in_time_does_not_hold()
    {
        var user = ConsoleAuthentication.PrincipalFor(Key("k1"));

        Assert.False(await ConsoleAuthentication.StillHoldsAsync(user, new Keys(Key("k1")), s_now, default));
    }

    private sealed class Keys(params ApiKeyRecord[] keys) : IApiKeyStore
    {
        public bool Down { get; init; }

        public Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken = default) =>
            Down ? throw new StoreUnavailableException(StoreBackendKind.Sqlite, "the store is down") : Task.FromResult<IReadOnlyList<ApiKeyRecord>>(keys);

        public Task<CreatedApiKey> CreateAsync(string identity, DateTimeOffset? expiresAt = null, IEnumerable<string>? roles = null,
            CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<ApiKeyRevocation> RevokeAsync(string id, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<ApiKeyRecord?> VerifyAsync(string? presentedKey, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
